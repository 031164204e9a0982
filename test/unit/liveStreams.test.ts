/** The one live output document: which step it follows while steps stream in parallel, and what it says. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineEvent } from '../../src/core/events';
import type { StepId } from '../../src/core/steps';
import { LiveStreams } from '../../src/vscode/liveStreams';

const USAGE = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 };

function feed(live: LiveStreams, events: EngineEvent[], running: StepId[] = [], cancelled = false): boolean[] {
  return events.map((e) => live.apply(e, cancelled, running));
}

describe('live streams', () => {
  it('says nothing streamed before a run', () => {
    assert.match(new LiveStreams().text(), /Nothing has streamed in this window yet/);
  });

  it('follows the first of two parallel steps, then moves on to the one still streaming', () => {
    const live = new LiveStreams();
    feed(live, [
      { type: 'step-started', step: 4, attempt: 1 },
      { type: 'step-started', step: 5, attempt: 1 },
    ]);
    const changed = feed(live, [
      { type: 'step-text', step: 4, text: '# Data\n\nTables.' },
      { type: 'step-text', step: 5, text: '# Infra\n\nNodes.' },
    ]);
    assert.deepEqual(changed, [true, false], 'only the followed step changes the document');
    assert.equal(live.following, 4);
    assert.match(
      live.text(),
      /^> \*\*Archflow live output\*\* · Step 4 — Data Architecture · streaming\n> Also running: Step 5 — Infrastructure\./,
    );
    assert.match(live.text(), /# Data\n\nTables\.$/);
    live.apply({ type: 'step-done', step: 4, usage: USAGE, files: [] }, false, [5]);
    assert.equal(live.following, 5);
    assert.match(live.text(), /Step 5 — Infrastructure · streaming\n\n# Infra\n\nNodes\.$/);
    live.apply({ type: 'step-done', step: 5, usage: USAGE, files: [] }, false, []);
    assert.equal(live.following, 5, 'the last step stays on show when the run ends');
    assert.match(live.text(), /Step 5 — Infrastructure · done/);
  });

  it('follows the step the user picked while it streams', () => {
    const live = new LiveStreams();
    feed(live, [
      { type: 'step-started', step: 6, attempt: 1 },
      { type: 'step-started', step: 7, attempt: 1 },
    ]);
    live.follow(7);
    live.apply({ type: 'step-started', step: 8, attempt: 1 }, false, [6, 7, 8]);
    assert.equal(live.following, 7);
  });

  it('keeps an attempt cut off inside a JSON block from swallowing the next attempt', () => {
    const live = new LiveStreams();
    feed(live, [
      { type: 'step-started', step: 2, attempt: 1 },
      { type: 'step-text', step: 2, text: '# High-Level\n\n```archflow-c4\n{ "people": [ {"id": "u"}' },
      { type: 'step-retry', step: 2, attempt: 2, delayMs: 2000, reason: 'The connection dropped.\nAgain.' },
      { type: 'step-started', step: 2, attempt: 2 },
      { type: 'step-text', step: 2, text: '# High-Level Design\n\nThe second answer.' },
    ]);
    const text = live.text();
    assert.match(text, /> \*… C4 model: 1 person so far …\*/);
    assert.match(text, /> The connection dropped\. Again\.\n> Retrying in 2 s\./);
    assert.match(text, /\*Attempt 2:\*\n\n# High-Level Design\n\nThe second answer\.$/);
  });

  it('says when a step was cancelled or failed', () => {
    const live = new LiveStreams();
    feed(live, [
      { type: 'step-started', step: 3, attempt: 1 },
      { type: 'step-text', step: 3, text: 'Partial' },
    ]);
    live.apply({ type: 'step-failed', step: 3, message: 'Cancelled.', error: new Error('Cancelled.') }, true, []);
    assert.match(live.text(), /Step 3 — Service Design · cancelled[\s\S]*\*Cancelled\.\*\n$/);
    live.apply({ type: 'step-started', step: 3, attempt: 1 }, false, [3]);
    live.apply(
      { type: 'step-failed', step: 3, message: 'HTTP 529: overloaded', error: new Error('HTTP 529: overloaded') },
      false,
      [],
    );
    assert.match(live.text(), /· failed[\s\S]*\*Failed: HTTP 529: overloaded\*/);
    assert.doesNotMatch(live.text(), /Partial/, 'a new run of the step starts a new stream');
  });
});
