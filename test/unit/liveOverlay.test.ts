/**
 * The host session's live state without VS Code: the overlay of engine events on the step view read
 * from disk, and the one record of a run's progress (what runs, how many finished).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepView, WorkflowView } from '../../src/core/events';
import type { UsageTotals } from '../../src/core/llm/types';
import type { StepId } from '../../src/core/steps';
import { LiveOverlay } from '../../src/vscode/session/overlay';
import { RunProgress } from '../../src/vscode/session/runProgress';

const USAGE: UsageTotals = { input: 10, output: 20, cacheRead: 0, cacheWrite: 0 };

function view(steps: Partial<Record<StepId, Omit<StepView, 'id'>>>, empty = false): WorkflowView {
  return {
    outputDir: '/out',
    empty,
    steps: Object.entries(steps).map(([id, s]) => ({ id: Number(id) as StepId, ...s })),
  };
}

describe('live overlay', () => {
  it('shows every step of the table, not started when the disk has nothing', () => {
    const steps = new LiveOverlay().steps(undefined, new Set());
    assert.deepEqual(
      steps.map((s) => s.id),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.ok(steps.every((s) => s.status === 'not-started' && s.files.length === 0));
  });

  it('puts running steps on top of the disk, keeping the files the disk has', () => {
    const disk = view({ 1: { status: 'stale', reason: 'PRD changed', files: ['01-context-analysis.md'] } });
    const [first] = new LiveOverlay().steps(disk, new Set<StepId>([1]));
    assert.equal(first.status, 'running');
    assert.equal(first.reason, undefined);
    assert.deepEqual(first.files, ['01-context-analysis.md']);
  });

  it('keeps what a finished step reported until the disk agrees', () => {
    const overlay = new LiveOverlay();
    overlay.apply({ type: 'step-started', step: 2, attempt: 1 }, false);
    overlay.apply({ type: 'step-done', step: 2, usage: USAGE, files: ['02-high-level-design.md'] }, false);
    assert.equal(overlay.size, 1);
    const before = overlay.steps(view({}, true), new Set())[1];
    assert.deepEqual(
      { status: before.status, files: before.files, usage: before.usage },
      { status: 'done', files: ['02-high-level-design.md'], usage: USAGE },
    );
    // The state file was not written yet: the event still counts.
    overlay.settle(view({ 2: { status: 'not-started', files: [] } }));
    assert.equal(overlay.size, 1);
    overlay.settle(view({ 2: { status: 'done', files: ['02-high-level-design.md'] } }));
    assert.equal(overlay.size, 0);
  });

  it('shows a failure of this session (the state file records none) until the step starts again', () => {
    const overlay = new LiveOverlay();
    overlay.apply(
      {
        type: 'step-failed',
        step: 3,
        message: 'The model stopped at max_tokens.',
        error: new Error('The model stopped at max_tokens.'),
      },
      false,
    );
    const disk = view({ 3: { status: 'not-started', files: [] } });
    overlay.settle(disk);
    const failed = overlay.steps(disk, new Set())[2];
    assert.deepEqual(
      { status: failed.status, reason: failed.reason },
      { status: 'failed', reason: 'The model stopped at max_tokens.' },
    );
    overlay.apply({ type: 'step-started', step: 3, attempt: 1 }, false);
    assert.equal(overlay.size, 0);
    assert.equal(overlay.steps(disk, new Set())[2].status, 'not-started');
  });

  it('treats the failure of a step a cancel stopped as a stop: the disk shows', () => {
    const overlay = new LiveOverlay();
    overlay.apply({ type: 'step-failed', step: 3, message: 'Cancelled.', error: new Error('Cancelled.') }, true);
    assert.equal(overlay.size, 0);
    assert.equal(overlay.steps(view({}), new Set())[2].status, 'not-started');
  });

  it('forgets everything on clear (another folder, or Reset Run)', () => {
    const overlay = new LiveOverlay();
    overlay.apply({ type: 'step-done', step: 1, usage: USAGE, files: [] }, false);
    overlay.clear();
    assert.equal(overlay.size, 0);
  });
});

describe('run progress', () => {
  it('counts planned and finished steps and knows which run now', () => {
    const run = new RunProgress();
    run.apply({ type: 'run-started', steps: [4, 5, 6] }, false);
    run.apply({ type: 'step-started', step: 4, attempt: 1 }, false);
    run.apply({ type: 'step-started', step: 5, attempt: 1 }, false);
    assert.deepEqual([...run.running], [4, 5]);
    run.apply({ type: 'step-text', step: 4, text: 'x' }, false);
    run.apply({ type: 'step-done', step: 4, usage: USAGE, files: [] }, false);
    run.apply({ type: 'step-failed', step: 5, message: 'overloaded', error: new Error('overloaded') }, false);
    assert.deepEqual(
      { planned: run.planned, finished: run.finished, running: [...run.running] },
      {
        planned: 3,
        finished: 2,
        running: [],
      },
    );
  });

  it('does not count a step a cancel stopped as finished, and runs nothing once ended', () => {
    const run = new RunProgress();
    run.apply({ type: 'run-started', steps: [6, 7] }, false);
    run.apply({ type: 'step-started', step: 6, attempt: 1 }, false);
    run.apply({ type: 'step-started', step: 7, attempt: 1 }, false);
    run.apply({ type: 'step-failed', step: 6, message: 'Cancelled.', error: new Error('Cancelled.') }, true);
    assert.equal(run.finished, 0);
    assert.deepEqual([...run.running], [7]);
    run.end();
    assert.equal(run.running.size, 0);
  });
});
