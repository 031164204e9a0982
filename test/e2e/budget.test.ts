/**
 * The estimate and the budget in VS Code (issue 13, item 4), in code-server against the fake
 * server: with `archflow.budget` below the expected cost, "Design Architecture" says what the run
 * is expected to cost and asks first; the progress notification shows the estimate; the run stops
 * before the model call that could pass the budget, keeps the documents written, and its error
 * names the spend and the setting, with a button to the setting. Screenshots in
 * .test-output/e2e/<version>/budget-*.png.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { type RunningCodeServer, ensureCodeServer } from './codeServer';
import {
  OUTPUT_FOLDER,
  PRD_NAME,
  WORKBENCH_SETTINGS,
  createWorkspace,
  freshVsix,
  outputDirFor,
  writeUserSettings,
} from './setup';
import { selectedTargets } from './targets';
import { Workbench } from './workbench';
import { STEPS } from '../../src/core/steps';
import { closeWorkbench, openWorkbench } from './session';

const BUDGET = 0.25;

for (const target of selectedTargets()) {
  describe(`the estimate and the budget in VS Code ${target.vscode}`, { timeout: 10 * 60_000 }, () => {
    const OUTPUT_ROOT = outputDirFor(target);
    let root: string;
    let out: string;
    let fake: FakeAnthropic;
    let server: RunningCodeServer | undefined;
    let browser: Browser | undefined;
    let wb: Workbench;

    before(async () => {
      await fs.mkdir(OUTPUT_ROOT, { recursive: true });
      const install = await ensureCodeServer(target);
      const vsix = await freshVsix();
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-budget-'));
      const workspace = path.join(root, 'workspace');
      await createWorkspace(workspace);
      out = path.join(workspace, ...OUTPUT_FOLDER.split('/'));
      // Slow enough that the progress notification is there to read.
      fake = await startFakeAnthropic({ chunkDelayMs: 8 });
      const dirs = { userDataDir: path.join(root, 'user-data'), extensionsDir: path.join(root, 'extensions') };
      await writeUserSettings(dirs.userDataDir, {
        ...WORKBENCH_SETTINGS,
        'archflow.anthropic.baseUrl': fake.url,
        'archflow.budget': BUDGET,
      });
      ({ server, browser, wb } = await openWorkbench({
        install,
        dirs,
        vsixes: [vsix],
        env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: undefined },
        logFile: path.join(OUTPUT_ROOT, 'code-server-budget.log'),
        folder: workspace,
        expectFile: PRD_NAME,
        viewport: { width: 1400, height: 900 },
      }));
      await wb.openFile(PRD_NAME);
    });

    after(async () => {
      await closeWorkbench({ browser, server, fake });
      if (root) await fs.rm(root, { recursive: true, force: true });
    });

    test('Design Architecture shows the expected cost, asks because it passes archflow.budget, and the run stops before the call that would pass it', async () => {
      await wb.runCommand('Archflow: Design Architecture');
      const dialog = wb.page.locator('.monaco-dialog-box');
      await dialog
        .getByText(/This run is expected to cost \$\d+\.\d\d, more than archflow\.budget \(\$0\.25\)\./)
        .waitFor({ timeout: 60_000 });
      await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'budget-ask.png') });
      assert.equal(fake.requests.length, 0, 'nothing is sent before the person answers');
      await dialog.getByRole('button', { name: 'Run Anyway', exact: true }).click();
      await wb.expectNotification(/Archflow: Design Architecture — expected \$\d+\.\d\d/, 60_000);
      const failure = await wb.expectNotification(
        /failed: Stopped before calling the model: this run has spent \$\d+\.\d\d .*archflow\.budget/,
        120_000,
      );
      await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'budget-stopped.png') });
      assert.ok(await failure.getByRole('button', { name: 'Open Budget Setting' }).isVisible());
      const text = (await failure.innerText()).replace(/\s+/g, ' ');
      const stopped = Number(/Step (\d) — [^:]+ failed/.exec(text)?.[1]);
      assert.ok(stopped > 1, `a later step was stopped: ${text}`);
      // The stopped step was never sent; the documents of the steps before it are kept.
      assert.ok(!fake.requests.some((r) => r.step === stopped), `step ${stopped} was sent`);
      const state = JSON.parse(await fs.readFile(path.join(out, 'archflow.json'), 'utf8')) as {
        steps: Record<string, { status: string }>;
      };
      for (const def of STEPS.filter((s) => s.id < stopped)) {
        assert.equal(state.steps[def.id]?.status, 'done', `step ${def.id}`);
        await fs.access(path.join(out, def.document));
      }
      assert.equal(state.steps[stopped]?.status, 'failed');
    });
  });
}
