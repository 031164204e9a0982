/**
 * The estimate before a run and the budget (issue 13, item 4), through the built CLI against the
 * fake server: `--estimate` prints tokens and dollars and calls nothing; `--budget` stops the
 * run before the call that could pass it, keeps what was written, and says what was spent.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_MODEL } from '../../src/core/config';
import { costOf } from '../../src/core/pricing';
import { parseState } from '../../src/core/state';
import { runCli, tempDir } from '../helpers/cli';
import { fakeServerPerFile } from '../helpers/fakePerFile';
import { samplePrdsDir } from '../helpers/paths';

const fake = fakeServerPerFile();

/** What the fake billed since its last reset, at the list price of the model the CLI asks for. */
const billedUsd = (): number => {
  const t = fake.server.usageTotals();
  return costOf(
    {
      input: t.input_tokens,
      cacheWrite: t.cache_creation_input_tokens,
      cacheRead: t.cache_read_input_tokens,
      output: t.output_tokens,
    },
    DEFAULT_MODEL,
  );
};
const prd = path.join(samplePrdsDir, 'pantry-network.md');

describe('estimate and budget (CLI)', () => {
  test('--estimate prints the expected tokens and dollars per step and in all, and runs nothing', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'docs', 'architecture');
    const r = await runCli(['design', prd, '--out', out, '--estimate'], fake.env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Step 1 — Context Analysis: about [\d,]+ input and [\d,]+ output tokens, \$\d+\.\d\d \(typical\)$/m,
    );
    assert.match(r.stdout, /^Step 8 — Architecture Decision Records: about/m);
    assert.match(
      r.stdout,
      /^Total: about [\d,]+ input and [\d,]+ output tokens, \$\d+\.\d\d at the list price of claude-opus-5-5 \(prices of \d{4}-\d{2}-\d{2}\); nothing was run\.$/m,
    );
    assert.equal(fake.server.requests.length, 0, 'an estimate calls no model');
    assert.equal(existsSync(out), false, 'an estimate writes nothing');
  });

  test('--budget stops the run before a call could pass it; the documents written are kept; the message names the spend and the setting', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'docs', 'architecture');
    const r = await runCli(['design', prd, '--out', out, '--budget', '0.25', '--yes'], fake.env());
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^archflow: expected: about [\d,]+ input and [\d,]+ output tokens, \$\d+\.\d\d/m);
    const stopped =
      /✖ Step (\d) — [^:]+: Stopped before calling the model: this run has spent \$(\d+\.\d\d) and this step's call may cost about \$(\d+\.\d\d), which would pass the budget of \$0\.25 a run \(--budget\)\./.exec(
        r.stderr,
      );
    assert.ok(stopped, r.stderr);
    const step = Number(stopped[1]);
    assert.ok(step > 1, 'at least one step ran before the budget stopped the run');
    assert.ok(Number(stopped[2]) + Number(stopped[3]) > 0.25);
    assert.ok(Number(stopped[2]) <= 0.25);
    // What the provider billed for the calls that were made stays within the budget.
    assert.ok(billedUsd() <= 0.25, `billed $${billedUsd()}`);
    // The stopped step was never sent; the steps before it were, once each.
    const sent = fake.server.requests.map((q) => q.step);
    assert.ok(!sent.includes(step), `step ${step} was sent: ${sent.join(', ')}`);
    assert.deepEqual(
      [...new Set(sent)],
      Array.from({ length: step - 1 }, (_, i) => i + 1),
    );
    const state = parseState(await fs.readFile(path.join(out, 'archflow.json'), 'utf8'));
    for (let s = 1; s < step; s++) {
      assert.equal(state.steps[String(s) as '1']?.status, 'done');
      assert.ok(existsSync(path.join(out, state.steps[String(s) as '1']!.files[0])));
    }
    assert.equal(state.steps[String(step) as '1']?.status, 'failed');
    // status shows the spend per step and in all.
    const status = await runCli(['status', out], {});
    assert.match(
      status.stdout,
      /^done {8}Step 1 — Context Analysis — tokens in \d+, out \d+, cache read \d+, cache write \d+, \$\d+\.\d\d$/m,
    );
    assert.match(status.stdout, new RegExp(`^Spent: \\$\\d+\\.\\d\\d for ${step - 1} steps? at list price`, 'm'));
  });

  test('a budget a little above what a run costs lets it finish: the check forecasts the cache and the answers, not a ceiling', async () => {
    const dir = await tempDir();
    const copy = path.join(dir, 'PRD.md');
    await fs.copyFile(prd, copy);
    const out = path.join(dir, 'docs', 'architecture');
    const first = await runCli(['design', copy, '--out', out, '--yes'], fake.env());
    assert.equal(first.code, 0, first.stderr);
    const cost = billedUsd();
    // An edit of the PRD makes every step stale; the steps' last answers (archflow.json) are the expected outputs.
    await fs.appendFile(copy, '\nThe pantries also lend crates.\n');
    fake.server.reset();
    const budget = (cost * 1.1).toFixed(2);
    const r = await runCli(['design', copy, '--out', out, '--budget', budget, '--fresh', '--yes'], fake.env());
    assert.equal(r.code, 0, `a run that cost $${cost.toFixed(3)} was stopped by a budget of $${budget}: ${r.stderr}`);
    assert.deepEqual([...new Set(fake.server.requests.map((q) => q.step))], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(billedUsd() <= Number(budget), `billed $${billedUsd()}`);
  });

  test('a budget that is not a number of dollars is refused before anything runs', async () => {
    const dir = await tempDir();
    const r = await runCli(['design', prd, '--out', path.join(dir, 'out'), '--budget', 'lots'], fake.env());
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--budget must be a number of dollars/);
    assert.equal(fake.server.requests.length, 0);
  });
});
