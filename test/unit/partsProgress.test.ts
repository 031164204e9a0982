/** How the hosts show a step written in parts: "Step 8: 5/14 ADRs" in the tree, the notification and the live output. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineEvent } from '../../src/core/events';
import { LiveStreams } from '../../src/vscode/liveStreams';
import { LiveOverlay } from '../../src/vscode/session/overlay';
import { RunProgress } from '../../src/vscode/session/runProgress';

const USAGE = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 };

describe('a step in parts', () => {
  it('the run progress keeps how far its parts are while it runs, and forgets it when it ends', () => {
    const p = new RunProgress();
    const events: EngineEvent[] = [
      { type: 'run-started', steps: [8] },
      { type: 'step-started', step: 8, attempt: 1 },
      { type: 'step-progress', step: 8, text: 'listing the decisions' },
      { type: 'step-progress', step: 8, text: '5/14 ADRs' },
    ];
    for (const e of events) p.apply(e, false);
    assert.equal(p.parts.get(8), '5/14 ADRs');
    // The tree's row of the running step carries it.
    const rows = new LiveOverlay().steps(undefined, p.running, p.parts);
    assert.equal(rows.find((s) => s.id === 8)?.progress, '5/14 ADRs');
    assert.equal(rows.find((s) => s.id === 7)?.progress, undefined);
    p.apply({ type: 'step-done', step: 8, usage: USAGE, files: [] }, false);
    assert.equal(p.parts.size, 0);
    // A late progress event of a step that ended is not shown.
    p.apply({ type: 'step-progress', step: 8, text: '14/14 ADRs' }, false);
    assert.equal(p.parts.size, 0);
  });

  it('the live output names the parts in its header while the summary streams', () => {
    const live = new LiveStreams();
    live.apply({ type: 'step-started', step: 8, attempt: 1 }, false, [8]);
    assert.equal(live.apply({ type: 'step-progress', step: 8, text: '2/4 ADRs' }, false, [8]), true);
    live.apply({ type: 'step-text', step: 8, text: '# Executive Summary\n\nText.' }, false, [8]);
    assert.match(live.text(), /Step 8 — Architecture Decision Records · streaming · 2\/4 ADRs\n> Written in parts/);
    live.apply({ type: 'step-done', step: 8, usage: USAGE, files: [] }, false, []);
    assert.doesNotMatch(live.text(), /ADRs/);
  });
});
