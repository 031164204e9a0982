/**
 * End to end in real VS Code: the packaged .vsix installed into code-server, once per VS Code of
 * the matrix (targets.ts: 1.100, our oldest, and 1.139), driven in Debian's Chromium as a user
 * would, against the fake Anthropic server (run in this process, so the test can stall a step).
 * Where extensions can provide chat models, the fake Claude models (test/e2e/fakeLm) are installed
 * too, answering from the same fake server. Screenshots of each stage go to .test-output/e2e/<version>/.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Frame } from 'playwright-core';
import { hashText } from '../../src/core/hash';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { listFiles } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';
import { type RunningCodeServer, ensureCodeServer } from './codeServer';
import { FAKE_LM_URL_ENV } from './fakeLm/models';
import {
  FAKE_LM_EXTENSION,
  OUTPUT_FOLDER,
  PRD_NAME,
  WORKBENCH_SETTINGS,
  buildTestExtensionVsix,
  createWorkspace,
  freshVsix,
  outputDirFor,
  writeUserSettings,
} from './setup';
import { type VscodeTarget, selectedTargets } from './targets';
import { Screenshots, Workbench } from './workbench';
import { STEP_DOCS } from '../helpers/layout';
import { closeWorkbench, openWorkbench } from './session';

const MODEL = 'claude-e2e-from-settings';
const ALL_DONE = Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((id) => [id, 'done']));

interface StateFile {
  prd?: { path: string };
  steps: Record<string, { status: string; files: string[]; model?: string; finishedAt?: string }>;
  files: Record<string, { hashes: string[] }>;
  approvals: { name: string; role: string; voided?: { by: string; date: string } }[];
}

for (const target of selectedTargets()) endToEndOn(target);

function endToEndOn(target: VscodeTarget): void {
  const OUTPUT_ROOT = outputDirFor(target);

  describe(
    `Archflow in code-server ${target.codeServer} (VS Code ${target.vscode}), end to end`,
    { timeout: 15 * 60_000 },
    () => {
      const shots = new Screenshots(OUTPUT_ROOT);
      let root: string;
      let workspace: string;
      let outDir: string;
      let fake: FakeAnthropic;
      let server: RunningCodeServer | undefined;
      let browser: Browser | undefined;
      let wb: Workbench;
      let ranAll = false;
      let failed = false;

      const readState = async (): Promise<StateFile> =>
        JSON.parse(await fs.readFile(path.join(outDir, 'archflow.json'), 'utf8')) as StateFile;

      /** Runs a stage; on failure keeps a screenshot of what the user saw. */
      const stage = async (name: string, body: () => Promise<void>): Promise<void> => {
        const started = Date.now();
        try {
          await body();
        } catch (err) {
          failed = true;
          if (browser) await shots.take(wb.page, `FAILED-${name}`).catch(() => undefined);
          throw err;
        } finally {
          process.stderr.write(`e2e: ${target.name}: stage ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        }
      };

      before(async () => {
        await shots.reset();
        const install = await ensureCodeServer(target);
        process.stderr.write(
          `e2e: code-server ${install.version} (VS Code ${target.vscode}): ${install.installedNow ? 'installed' : 'cached'} in ${(install.ms / 1000).toFixed(1)} s\n`,
        );
        const vsix = await freshVsix();
        // Short paths: code-server puts a Unix socket in the user data folder.
        root = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-e2e-'));
        workspace = path.join(root, 'workspace');
        outDir = path.join(workspace, ...OUTPUT_FOLDER.split('/'));
        await createWorkspace(workspace);
        // Slow enough that a user (and the screenshots) can watch steps run; a full run takes seconds.
        fake = await startFakeAnthropic({ chunkDelayMs: 8 });
        const dirs = { userDataDir: path.join(root, 'user-data'), extensionsDir: path.join(root, 'extensions') };
        // The endpoint comes from the user's settings (application scope) and the model too: both are read.
        await writeUserSettings(dirs.userDataDir, {
          ...WORKBENCH_SETTINGS,
          'archflow.anthropic.baseUrl': fake.url,
          'archflow.model': MODEL,
        });
        ({ server, browser, wb } = await openWorkbench({
          install,
          dirs,
          vsixes: [
            vsix,
            ...(target.languageModelProviders ? [await buildTestExtensionVsix(root, FAKE_LM_EXTENSION)] : []),
          ],
          env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: undefined, [FAKE_LM_URL_ENV]: fake.url },
          logFile: path.join(OUTPUT_ROOT, 'code-server.log'),
          folder: workspace,
          expectFile: PRD_NAME,
          viewport: { width: 1600, height: 960 },
        }));
      });

      after(async () => {
        await closeWorkbench({ browser, server, fake });
        if (failed) process.stderr.write(`e2e: kept ${root} (user data, workspace) for inspection\n`);
        else if (root) await fs.rm(root, { recursive: true, force: true });
        process.stderr.write(`e2e: screenshots: ${shots.taken.length} in ${path.relative(repoRoot, OUTPUT_ROOT)}/\n`);
      });

      test('right-click the PRD in the Explorer, "Design Architecture": the tree shows all eight steps done', () =>
        stage('design-architecture', async () => {
          await wb.page.waitForTimeout(500);
          await shots.take(wb.page, 'workspace');
          const entry = await wb.openExplorerContextMenu(PRD_NAME, 'Design Architecture');
          await shots.take(wb.page, 'explorer-context-menu');
          const groups = await wb.editorGroupCount();
          await entry.click();
          await wb.showArchflowView();
          // A screenshot while steps run (a full run against the fake takes seconds).
          await wb.waitForTree((rows) => rows.some((r) => r.status === 'running'), 'a running step', 20_000);
          // The status bar follows the run too.
          await wb.waitForStatusBar(/Archflow: Steps? \d/, 10_000);
          await shots.take(wb.page, 'run-in-progress');
          const rows = await wb.waitForSteps(ALL_DONE);
          assert.equal(rows.length, 8);
          await wb.expectNotification(/8 steps done/);
          await shots.take(wb.page, 'all-steps-done');
          assert.match(await wb.waitForStatusBar(/criteri/), /Archflow: 1 criterion unmet/);
          // The live output streamed without taking over an editor or splitting the editor area.
          assert.equal(await wb.editorGroupCount(), groups, 'no editor group was added');
          assert.ok(
            !(await wb.tabLabels()).some((t) => t.startsWith('Archflow Live Output')),
            'the live output opens only when asked',
          );
          const steps = new Set(fake.requests.map((r) => r.step));
          assert.deepEqual([...steps].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
          assert.ok(
            fake.requests.every((r) => r.model === MODEL),
            'every request uses archflow.model from settings',
          );
          ranAll = true;
        }));

      test('every file of SPEC §3 is on disk', () =>
        stage('files', async () => {
          assert.ok(ranAll, 'needs the full run');
          const files = await listFiles(outDir);
          for (const doc of STEP_DOCS) assert.ok(files.includes(doc), `${doc} missing; have ${files.join(', ')}`);
          for (const f of [
            'ARCHITECTURE.md',
            'archflow.json',
            'adr/README.md',
            'diagrams/c4-context.mmd',
            'diagrams/c4-container.mmd',
          ]) {
            assert.ok(files.includes(f), `${f} missing`);
          }
          const adrs = files.filter((f) => /^adr\/\d{4}-[a-z0-9-]+\.md$/.test(f));
          assert.ok(
            adrs.some((f) => f.startsWith('adr/0001-')),
            `adr/0001-*.md missing; ADRs: ${adrs.join(', ')}`,
          );
          assert.ok(
            files.some((f) => /^diagrams\/c4-component-[a-z0-9-]+\.mmd$/.test(f)),
            'a level-3 diagram',
          );
          assert.deepEqual(
            files.filter((f) => path.posix.basename(f).startsWith('.')),
            [],
            'no temporary files',
          );
          const doc = await fs.readFile(path.join(outDir, 'ARCHITECTURE.md'), 'utf8');
          const sections = [...doc.matchAll(/^## (\d+)\. /gm)].map((m) => Number(m[1]));
          assert.deepEqual(sections, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
          assert.ok(doc.includes('```mermaid'), 'diagrams embedded as mermaid blocks');
          const state = await readState();
          for (const id of [1, 2, 3, 4, 5, 6, 7, 8]) {
            assert.equal(state.steps[id]?.status, 'done', `step ${id} in archflow.json`);
            assert.equal(state.steps[id]?.model, MODEL, `model of step ${id}`);
          }
          // What a user does next: open the document from the notification.
          const done = await wb.expectNotification(/8 steps done/);
          await done.getByRole('button', { name: 'Open ARCHITECTURE.md' }).click();
          await wb.hideNotificationCenter();
          await wb.page.locator('.tab', { hasText: 'ARCHITECTURE.md' }).first().waitFor();
          await shots.take(wb.page, 'architecture-md');
        }));

      test('"Show Live Output" opens the one live document in the active group, as text without raw JSON', () =>
        stage('live-output', async () => {
          assert.ok(ranAll, 'needs the full run');
          const groups = await wb.editorGroupCount();
          await wb.runCommand('Archflow: Show Live Output');
          await wb.page.locator('.tab', { hasText: 'Archflow Live Output.md' }).first().waitFor();
          assert.equal(await wb.editorGroupCount(), groups, 'opened in the active group, not beside it');
          const text = (await wb.activeEditorLines()).join('\n');
          // The document followed the run to its last step, whose answer is mostly an ADR JSON block.
          assert.match(text, /\*\*Archflow live output\*\* · Step 8 — Architecture Decision Records · done/);
          assert.match(text, /> \*Architecture decisions: \d+ decisions?\./);
          assert.doesNotMatch(text, /"rejectedBecause"|"consequences"|```archflow-/);
          await shots.take(wb.page, 'live-output');
          await wb.closeTab('Archflow Live Output.md');
        }));

      let preview: Frame | undefined;

      test('the preview renders C4 levels 1-3 and the deployment view as SVG in the webview and lists the five exit criteria', () =>
        stage('preview', async () => {
          assert.ok(ranAll, 'needs the full run');
          await wb.runCommand('Archflow: Open Preview');
          const frame = await wb.previewFrame('#canvas svg');
          preview = frame;
          // 4 is the deployment view.
          for (const level of [1, 2, 3, 4]) {
            await frame.locator(`vscode-button[data-level="${level}"]`).click();
            await frame.locator(`vscode-button[data-level="${level}"][aria-pressed="true"]`).waitFor();
            const svg = frame.locator('#canvas svg');
            await svg.waitFor();
            const label = (await svg.getAttribute('aria-label')) ?? '';
            assert.ok((await frame.locator('#canvas svg g').count()) > 3, `level ${level} SVG has content (${label})`);
            await shots.take(wb.page, `preview-c4-level-${level}`);
          }
          assert.equal(await frame.locator('.render-error').count(), 0, 'no diagram render error');
          await frame.locator('#tab-criteria').click();
          const criteria = frame.locator('li.criterion');
          await criteria.first().waitFor();
          assert.equal(await criteria.count(), 5);
          const ids = await Promise.all((await criteria.all()).map((c) => c.getAttribute('data-criterion')));
          assert.deepEqual(ids, ['diagrams', 'security', 'performance', 'adrs', 'approval']);
          assert.equal(await frame.locator('li.criterion[data-criterion="approval"].unmet').count(), 1);
          await shots.take(wb.page, 'preview-exit-criteria');
        }));

      test("VS Code's Markdown preview draws the C4 blocks of ARCHITECTURE.md with Archflow's renderer", () =>
        stage('markdown-preview', async () => {
          assert.ok(ranAll, 'needs the full run');
          const markdown = await fs.readFile(path.join(outDir, 'ARCHITECTURE.md'), 'utf8');
          // The three levels and the deployment view (section 9).
          const blocks = (markdown.match(/^```mermaid\n\s*C4(Context|Container|Component|Deployment)\b/gm) ?? [])
            .length;
          assert.ok(/^```mermaid\n\s*C4Deployment\b/m.test(markdown), 'ARCHITECTURE.md embeds the deployment view');
          assert.ok(blocks >= 4, `ARCHITECTURE.md embeds the C4 views (${blocks})`);
          await wb.openFile('ARCHITECTURE.md');
          await wb.runCommand('Markdown: Open Preview to the Side');
          const deadline = Date.now() + 60_000;
          let drawn = 0;
          let raw = -1;
          while (Date.now() < deadline) {
            for (const frame of wb.page.frames()) {
              const n = await frame
                .locator('.archflow-c4.drawn svg.archflow-c4-svg')
                .count()
                .catch(() => 0);
              if (n > drawn) {
                drawn = n;
                raw = await frame
                  .locator('.archflow-c4:not(.drawn)')
                  .count()
                  .catch(() => -1);
              }
            }
            if (drawn >= blocks) break;
            await wb.page.waitForTimeout(250);
          }
          await shots.take(wb.page, 'markdown-preview-c4');
          assert.equal(drawn, blocks, 'every C4 block is drawn in the Markdown preview');
          assert.equal(raw, 0, 'no C4 block is left as code');
        }));

      test('Export Diagrams writes every view as SVG and as PNG beside its .mmd file', () =>
        stage('export', async () => {
          assert.ok(ranAll, 'needs the full run');
          // Every view, the deployment views (diagrams/c4-deployment-<environment>.mmd) among them.
          const views = (await listFiles(outDir)).filter((f) => /^diagrams\/c4-.*\.mmd$/.test(f));
          assert.ok(views.includes('diagrams/c4-deployment-production.mmd'), views.join(', '));
          assert.ok(!views.includes('diagrams/c4-deployment.mmd'), views.join(', '));
          assert.ok(views.length >= 4);
          for (const format of ['SVG', 'PNG'] as const) {
            // The preview (a webview) may hold the keyboard focus after the first export, and then
            // the palette's Enter can land before the picker opens: ask again until it shows.
            const option = wb.quickInput().getByRole('option', { name: format }).first();
            for (let attempt = 1; ; attempt++) {
              await wb.runCommand('Archflow: Export Diagrams…');
              const shown = await option
                .waitFor({ timeout: 10_000 })
                .then(() => true)
                .catch(() => false);
              if (shown) break;
              assert.ok(attempt < 3, 'the Export Diagrams picker opened');
            }
            await option.click();
            await wb.expectNotification(new RegExp(`exported ${views.length} views as ${format}`), 60_000);
            await wb.hideNotificationCenter();
            const files = await listFiles(outDir);
            for (const v of views) {
              const file = v.replace(/\.mmd$/, `.${format.toLowerCase()}`);
              assert.ok(files.includes(file), `${file} exported`);
              const bytes = await fs.readFile(path.join(outDir, file));
              if (format === 'PNG') assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${file} is a PNG`);
              else assert.match(bytes.toString('utf8'), /<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
            }
          }
          await shots.take(wb.page, 'exported');
        }));
      test('a stakeholder approval recorded through the panel turns its criterion met', () =>
        stage('approval', async () => {
          assert.ok(preview, 'needs the preview');
          const frame = await wb.previewFrame('#approve');
          await frame.locator('#approve').click();
          await wb.answerInput(/\(1\/3\)/, 'Dana Reviewer');
          await wb.answerInput(/\(2\/3\)/, 'Head of Engineering');
          await wb.answerInput(/\(3\/3\)/, 'Approved in the design review');
          await wb.expectNotification(/approval by Dana Reviewer/, 15_000);
          await wb.hideNotificationCenter();
          const met = await wb.previewFrame('li.criterion[data-criterion="approval"].met', 20_000);
          assert.match((await met.locator('.approval-status').textContent()) ?? '', /Dana Reviewer/);
          const state = await readState();
          assert.equal(state.approvals.at(-1)?.name, 'Dana Reviewer');
          await shots.take(wb.page, 'approval-met');
        }));

      test('the status bar says all criteria are met and opens the Workflow view', () =>
        stage('status-bar', async () => {
          assert.ok(ranAll, 'needs the full run');
          await wb.waitForStatusBar(/Archflow: all criteria met/, 20_000);
          await wb.showExplorer();
          await wb.statusBarItem().click();
          await wb.page.locator('[id="workbench.view.extension.archflow"]').waitFor({ timeout: 10_000 });
          await shots.take(wb.page, 'status-bar-all-met');
        }));

      test('"Get Started" opens the walkthrough, from the key to the approval', () =>
        stage('walkthrough', async () => {
          await wb.runCommand('Archflow: Get Started');
          const walkthrough = wb.page.locator('.gettingStartedContainer');
          await walkthrough.getByText('Get Started with Archflow').first().waitFor({ timeout: 20_000 });
          // Every step the manifest declares (test/unit/doorsManifest.test.ts pins their titles).
          const manifest = JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
            contributes: { walkthroughs: { steps: { title: string }[] }[] };
          };
          const titles = manifest.contributes.walkthroughs[0].steps.map((step) => step.title);
          assert.equal(titles.length, 6);
          for (const title of titles) {
            await walkthrough.getByText(title, { exact: true }).first().waitFor({ timeout: 10_000 });
          }
          await shots.take(wb.page, 'walkthrough');
          // VS Code 1.100 titles the tab after the walkthrough, 1.139 "Welcome".
          await wb.closeTab(/Walkthrough: Archflow|^Welcome/);
          // The preview's webview is the active editor now and holds the keyboard: give it back to the
          // workbench, as a user's click would (the status bar item focuses the Workflow view).
          await wb.statusBarItem().click();
          await wb.page.locator('[id="workbench.view.extension.archflow"]').waitFor();
        }));

      test('a single step runs from the command palette', () =>
        stage('single-step', async () => {
          assert.ok(ranAll, 'needs the full run');
          const before = (await readState()).steps[7]?.finishedAt;
          const architectureBefore = hashText(await fs.readFile(path.join(outDir, 'ARCHITECTURE.md'), 'utf8'));
          const requestsBefore = fake.requests.length;
          await wb.runCommand('Archflow: Run Step 7 — Observability');
          // The design is approved (stage "approval"): VS Code says first that the run voids it.
          const dialog = wb.page.locator('.monaco-dialog-box');
          await dialog.getByText(/This run voids the approval of ARCHITECTURE\.md by/).waitFor({ timeout: 30_000 });
          await shots.take(wb.page, 'approval-void-warning');
          await dialog.getByRole('button', { name: 'Continue', exact: true }).click();
          await wb.expectNotification(/Step 7 — Observability is done/, 60_000);
          await wb.hideNotificationCenter();
          const newRequests = fake.requests.slice(requestsBefore);
          assert.deepEqual(
            newRequests.map((r) => r.step),
            [7],
            'exactly one model call, for step 7',
          );
          const state = await readState();
          const after = state.steps[7]?.finishedAt;
          assert.ok(after && after !== before, 'step 7 ran again');
          // Voided only when the run changed the document; then the history says by what.
          const architectureNow = hashText(await fs.readFile(path.join(outDir, 'ARCHITECTURE.md'), 'utf8'));
          if (architectureNow === architectureBefore) {
            assert.equal(state.approvals[0]?.voided, undefined, 'an unchanged document keeps its approval');
          } else {
            assert.match(state.approvals[0]?.voided?.by ?? '', /Step 7/, 'the approval says what voided it');
          }
          await wb.showArchflowView();
          await wb.waitForSteps({ 7: 'done' });
          await shots.take(wb.page, 'single-step-done');
        }));

      test('"Design Architecture" writes a deleted ARCHITECTURE.md and diagram file again, with no model call', () =>
        stage('regenerate', async () => {
          assert.ok(ranAll, 'needs the full run');
          await wb.clearNotifications();
          const arch = path.join(outDir, 'ARCHITECTURE.md');
          const container = path.join(outDir, 'diagrams', 'c4-container.mmd');
          const before = { arch: await fs.readFile(arch, 'utf8'), container: await fs.readFile(container, 'utf8') };
          await fs.rm(arch);
          await fs.rm(container);
          const requestsBefore = fake.requests.length;
          await wb.showExplorer();
          await wb.explorerContextMenu(PRD_NAME, 'Design Architecture');
          await wb.expectNotification(/wrote the missing files again without a model call: .*ARCHITECTURE\.md/, 60_000);
          await shots.take(wb.page, 'regenerated-missing-files');
          await wb.clearNotifications();
          assert.equal(fake.requests.length, requestsBefore, 'no model call');
          assert.equal(await fs.readFile(arch, 'utf8'), before.arch, 'ARCHITECTURE.md is written as it was');
          assert.equal(
            await fs.readFile(container, 'utf8'),
            before.container,
            'the container view is written as it was',
          );
        }));

      test('cancelling part-way leaves no partial file and the earlier steps intact', () =>
        stage('cancel', async () => {
          assert.ok(ranAll, 'needs the full run');
          await wb.clearNotifications();
          // A fresh start in this workspace: step 3 will stall until the user cancels.
          await fs.rm(outDir, { recursive: true, force: true });
          fake.setFaults([{ step: 3, kind: 'stall' }]);
          await wb.showArchflowView();
          await wb.waitForNoSteps();
          await wb.showExplorer();
          await wb.explorerContextMenu(PRD_NAME, 'Design Architecture');
          await wb.showArchflowView();
          await wb.waitForSteps({ 1: 'done', 2: 'done', 3: 'running' }, 60_000);
          const stalled = fake.requests.find((r) => r.step === 3);
          assert.ok(stalled, 'step 3 reached the model');
          const toast = wb.notification(/Archflow: Design Architecture/);
          await shots.take(wb.page, 'cancel-step-3-running');
          await toast.getByRole('button', { name: 'Cancel' }).click();
          await wb.expectNotification(/run cancelled/, 20_000);
          await wb.waitForSteps({ 1: 'done', 2: 'done', 3: 'not started' }, 20_000);
          await shots.take(wb.page, 'cancelled');
          fake.clearFaults();

          const state = await readState();
          assert.deepEqual(Object.keys(state.steps).sort(), ['1', '2'], 'only steps 1 and 2 are recorded');
          const files = await listFiles(outDir);
          assert.deepEqual(
            files.filter((f) => path.posix.basename(f).startsWith('.')),
            [],
            'no temporary file left',
          );
          assert.ok(!files.includes('03-service-architecture.md'), 'no document of the cancelled step');
          assert.ok(!files.includes('diagrams/c4-container.mmd'), 'no diagram of the cancelled step');
          for (const id of ['1', '2']) {
            for (const file of state.steps[id].files) {
              const text = await fs.readFile(path.join(outDir, file), 'utf8');
              assert.equal(hashText(text), state.files[file]?.hashes[0], `${file} is complete (as recorded)`);
            }
          }
        }));

      test('"Clear API Key" is offered only while a key is stored', () =>
        stage('api-key', async () => {
          // The environment's key is no stored key.
          assert.equal(await wb.paletteOffers('Archflow: Clear API Key'), false, 'no key stored yet');
          await wb.runCommand('Archflow: Set API Key');
          await wb.answerInput(/Secret Storage/, 'sk-ant-e2e-key-0123456789abcdef');
          await wb.expectNotification(/API key saved/);
          await wb.hideNotificationCenter();
          assert.equal(await wb.paletteOffers('Archflow: Clear API Key'), true, 'offered once a key is stored');
          await wb.runCommand('Archflow: Clear API Key');
          await wb.expectNotification(/API key removed from Secret Storage/);
          await wb.hideNotificationCenter();
          const deadline = Date.now() + 10_000;
          while (await wb.paletteOffers('Archflow: Clear API Key')) {
            assert.ok(Date.now() < deadline, 'Clear API Key is still offered after the key was removed');
          }
          await shots.take(wb.page, 'api-key-cleared');
        }));

      test('reloading the window restores the tree and the panel', () =>
        stage('reload', async () => {
          assert.ok(ranAll, 'needs the full run');
          await wb.reloadWindow();
          await wb.showArchflowView();
          // As the cancelled run left it.
          const rows = await wb.waitForSteps({ 1: 'done', 2: 'done', 3: 'not started', 8: 'not started' }, 60_000);
          assert.equal(rows.length, 8);
          assert.ok(preview, 'the preview was not open before the reload');
          const frame = await wb.previewFrame('li.criterion', 60_000);
          assert.equal(await frame.locator('li.criterion').count(), 5);
          await frame.locator('#tab-diagrams').click();
          await frame.locator('#canvas svg').waitFor({ timeout: 20_000 });
          await shots.take(wb.page, 'after-reload');
        }));
    },
  );
}
