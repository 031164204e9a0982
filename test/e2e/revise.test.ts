/**
 * Revise, don't regenerate (issue 8), end to end in real VS Code, on each VS Code of the matrix: a
 * design whose security review has an open high finding (the fake server's `open-finding` fault)
 * is resolved from the panel's exit criteria ("Resolve Security Findings"), its revisions reviewed
 * as diffs (Accept All) until the verdict passes; a review comment on a line of
 * 03-service-architecture.md, typed through VS Code's Comments UI, is sent with "Revise with
 * Comments", answered from the diff's own "Accept Revision" button, and its thread ends resolved; a document edited by hand is revised ("Request
 * Changes…") starting from the edit, which stays. Screenshots in .test-output/e2e/<version>/revise-*.png.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseFindingsTable } from '../../src/core/findings';
import { LAYOUT, stepWithBlock } from '../../src/core/steps';
import { OPEN_FINDING_ID } from '../fake-anthropic/answers/revise';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { STEP_DOCS } from '../helpers/layout';
import { type RunningCodeServer, ensureCodeServer } from './codeServer';
import {
  OUTPUT_FOLDER,
  PRD_NAME,
  WORKBENCH_SETTINGS,
  createWorkspace,
  designWithCli,
  freshVsix,
  outputDirFor,
  writeUserSettings,
} from './setup';
import { type VscodeTarget, selectedTargets } from './targets';
import { Workbench } from './workbench';
import { closeWorkbench, openWorkbench } from './session';

const SERVICES = STEP_DOCS[2];
const REVIEW = stepWithBlock('findings').document;
const HAND_EDIT = 'Hand edit: the payments team owns this service.';
const COMMENT = 'Name the team that owns each module.';
const CHANGE = 'Say which queue carries the reminder jobs.';

interface StateFile {
  approvals: unknown[];
  security?: { verdict?: string };
}

for (const target of selectedTargets()) reviseOn(target);

function reviseOn(target: VscodeTarget): void {
  const OUTPUT_ROOT = outputDirFor(target);

  describe(
    `Reviewing and revising in code-server ${target.codeServer} (VS Code ${target.vscode})`,
    { timeout: 8 * 60_000 },
    () => {
      let root: string;
      let workspace: string;
      let out: string;
      let fake: FakeAnthropic;
      let server: RunningCodeServer | undefined;
      let browser: Browser | undefined;
      let wb: Workbench;
      let findingIds: string[] = [];
      let resolved = false;
      let commented = false;

      const read = (file: string): Promise<string> => fs.readFile(path.join(out, file), 'utf8');
      const shot = (name: string): Promise<Buffer> =>
        wb.page.screenshot({ path: path.join(OUTPUT_ROOT, `revise-${name}.png`) });

      /** Runs a stage; on failure keeps a screenshot of what the user saw. */
      const stage = async (name: string, body: () => Promise<void>): Promise<void> => {
        const started = Date.now();
        try {
          await body();
        } catch (err) {
          if (browser) await shot(`FAILED-${name}`).catch(() => undefined);
          throw err;
        } finally {
          process.stderr.write(
            `e2e: ${target.name}: revise ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
          );
        }
      };

      before(async () => {
        await fs.mkdir(OUTPUT_ROOT, { recursive: true });
        const install = await ensureCodeServer(target);
        const vsix = await freshVsix();
        root = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-revise-'));
        workspace = path.join(root, 'workspace');
        out = path.join(workspace, ...OUTPUT_FOLDER.split('/'));
        const prd = await createWorkspace(workspace);
        fake = await startFakeAnthropic();
        // The design's security review raises an open high finding whose fix belongs to step 3.
        fake.setFaults([
          { kind: 'open-finding', step: stepWithBlock('findings').id, part: 'section:Findings', times: 1 },
        ]);
        await designWithCli(prd, fake.url);
        fake.reset();
        const dirs = { userDataDir: path.join(root, 'user-data'), extensionsDir: path.join(root, 'extensions') };
        await writeUserSettings(dirs.userDataDir, { ...WORKBENCH_SETTINGS, 'archflow.anthropic.baseUrl': fake.url });
        ({ server, browser, wb } = await openWorkbench({
          install,
          dirs,
          vsixes: [vsix],
          env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: undefined },
          logFile: path.join(OUTPUT_ROOT, 'code-server-revise.log'),
          folder: workspace,
          expectFile: PRD_NAME,
          viewport: { width: 1400, height: 900 },
        }));
      });

      after(async () => {
        await closeWorkbench({ browser, server, fake });
        if (root) await fs.rm(root, { recursive: true, force: true });
      });

      test('"Resolve Security Findings" in the panel’s exit criteria: the revisions are reviewed as diffs (Accept All) and the verdict passes', () =>
        stage('resolve', async () => {
          const findings = parseFindingsTable(await read(REVIEW));
          findingIds = findings.map((f) => f.id);
          const high = findings.find((f) => f.id === OPEN_FINDING_ID);
          assert.equal(high?.status, 'open', 'the design ends with an open high finding');
          assert.equal(high?.severity, 'high');

          await wb.runCommand('Archflow: Open Preview');
          const frame = await wb.previewFrame('#resolve-findings', 60_000);
          await frame.getByRole('tab', { name: /Exit criteria/ }).click();
          const security = frame.locator('li.criterion[data-criterion="security"]');
          assert.match(await security.innerText(), new RegExp(`${OPEN_FINDING_ID} \\(high, open\\)`));
          assert.equal(await security.evaluate((li) => li.classList.contains('met')), false);
          await shot('1-open-finding');
          await frame.locator('#resolve-findings').click();

          // Round 1 revises the service design first: its diff is shown with the question beside it.
          const review = await wb.expectNotification(
            /Step 3 — Service Design revised 03-service-architecture\.md\./,
            60_000,
          );
          const tab = wb.page.locator('.tabs-container .tab', {
            hasText: /03-service-architecture\.md \(current ↔ proposed revision\)/,
          });
          await tab.first().waitFor({ timeout: 10_000 });
          await shot('2-diff-review');
          assert.doesNotMatch(await read(SERVICES), /Control for SEC-9:/, 'nothing is written before Accept');
          await review.getByRole('button', { name: 'Accept All', exact: true }).click();

          const done = await wb.expectNotification(/the security review passes after [12] rounds?\./, 180_000);
          const text = await done.innerText();
          assert.match(
            text,
            new RegExp(
              `Resolved: ${OPEN_FINDING_ID}\\. Still open: none\\. Used [\\d,]+ input and [\\d,]+ output tokens\\.`,
            ),
          );
          await shot('3-resolved');

          assert.match(await read(SERVICES), /Control for SEC-9:/, 'the control is in the service design');
          const after = parseFindingsTable(await read(REVIEW));
          assert.deepEqual(
            after.map((f) => f.id),
            findingIds,
            'every finding keeps its id',
          );
          const fixed = after.find((f) => f.id === OPEN_FINDING_ID);
          assert.equal(fixed?.status, 'mitigated');
          assert.match(fixed?.evidence ?? '', /^03-service-architecture\.md › /);
          const state = JSON.parse(await read(LAYOUT.state)) as StateFile;
          assert.equal(state.security?.verdict, 'pass');
          assert.deepEqual(state.approvals, [], 'nothing is approved automatically');
          // Only revisions: no step was written again from scratch.
          const full = fake.requests.filter(
            (r) => r.step && !JSON.stringify(r.body ?? '').includes('<current-document name='),
          );
          assert.deepEqual(
            full.map((r) => r.step),
            [],
          );

          await wb.clearNotifications();
          await wb.closeTab(/current ↔ proposed revision/);
          await wb.previewFrame('li.criterion[data-criterion="security"].met', 30_000);
          await shot('4-security-met');
          resolved = true;
        }));

      test('a comment on a line of 03-service-architecture.md, "Revise with Comments": the revision answers it and the thread is resolved', () =>
        stage('comment', async () => {
          assert.ok(resolved, 'needs the resolved design');
          const lines = (await read(SERVICES)).split('\n');
          const line = lines.findIndex((l) => l.startsWith('Modules call each other')) + 1;
          assert.ok(line > 0, 'the line to comment on');
          await wb.openFile(SERVICES);
          await wb.goToLine(line);
          await wb.runCommandTyped('Comments: Add Comment on Current Selection');
          const widget = wb.page.locator('.review-widget').first();
          await widget.waitFor({ timeout: 15_000 });
          await wb.page.keyboard.type(COMMENT, { delay: 5 });
          // The form's button is not inside the zone widget's element in every VS Code.
          await wb.page
            .getByRole('button', { name: 'Add Comment', exact: true })
            .or(wb.page.locator('.monaco-button', { hasText: /^Add Comment$/ }))
            .first()
            .click();
          const opened = await waitForThreads(out, (t) => t.length === 1 && t[0].status === 'open');
          assert.equal(opened[0].file, SERVICES);
          assert.equal(opened[0].line, line);
          const thread = wb.page.getByText(`${opened[0].id} · open`, { exact: true }).first();
          await thread.waitFor({ timeout: 15_000 });
          await shot('5-comment');

          const requests = fake.requests.length;
          await wb.page.getByRole('button', { name: 'Revise with Comments', exact: true }).first().click();
          const review = await wb.expectNotification(
            /Step 3 — Service Design revised 03-service-architecture\.md\./,
            60_000,
          );
          // The question can be answered from the diff itself too (a notification may slide into the
          // notification centre): the status bar says which revision waits, the diff's title has Accept.
          const waiting = wb.page.locator('.statusbar-item', { hasText: /Review 03-service-architecture\.md/ });
          await waiting.first().waitFor({ timeout: 10_000 });
          assert.ok(await review.isVisible(), 'the notification asks too');
          await shot('6-comment-diff');
          await wb.page.locator('.editor-actions').getByRole('button', { name: 'Accept Revision' }).first().click();
          await waiting.first().waitFor({ state: 'detached', timeout: 10_000 });
          const finished = await wb.expectNotification(/Step 3 — Service Design is done/, 60_000);
          // The steps that read the service design are stale now: the message says so and offers to update them.
          assert.match(await finished.innerText(), /read it and are stale now/);
          await finished.getByRole('button', { name: 'Update Them', exact: true }).waitFor({ timeout: 10_000 });
          const sent = fake.requests.slice(requests);
          assert.deepEqual(
            sent.map((r) => r.step),
            [3],
            'one revision, of step 3',
          );
          assert.match(JSON.stringify(sent[0].body), new RegExp(COMMENT.replace(/\./g, '\\.')), 'the comment was sent');

          const [done] = await waitForThreads(out, (t) => t[0]?.status === 'resolved');
          assert.equal(done.resolved?.by, 'revision of step 3');
          const text = await read(SERVICES);
          assert.match(text, new RegExp(`Revised for ${opened[0].id}: ${COMMENT.replace(/\./g, '\\.')}`));
          assert.match(text, /Control for SEC-9:/, 'the earlier revision is kept');
          // A resolved thread is drawn collapsed on its line: expanded, its title says by what.
          await wb.closeTab(/current ↔ proposed revision/);
          await wb.runCommandTyped('Comments: Expand All Comments');
          await wb.page
            .getByText(new RegExp(`^${opened[0].id} · resolved by revision of step 3`))
            .first()
            .waitFor({ timeout: 15_000 });
          await shot('7-thread-resolved');
          // The resolved thread links the change that resolved it.
          await wb.page.getByRole('button', { name: 'Show the Change', exact: true }).first().click();
          await wb.page
            .locator('.tabs-container .tab', {
              hasText: new RegExp(`${opened[0].id} resolved by .*\\(before ↔ now\\)`),
            })
            .first()
            .waitFor({ timeout: 15_000 });
          await shot('7b-show-the-change');
          await wb.closeTab(/before ↔ now/);
          commented = true;
          await wb.clearNotifications();
        }));

      test('a document edited by hand is revised starting from the edit, which stays', () =>
        stage('hand-edit', async () => {
          assert.ok(resolved, 'needs the resolved design');
          const text = await read(SERVICES);
          const edited = text.replace(/^## Summary\n/m, `## Summary\n\n${HAND_EDIT}\n`);
          assert.notEqual(edited, text, 'the document has a Summary');
          await fs.writeFile(path.join(out, SERVICES), edited);
          await wb.openFile(SERVICES);
          await wb.runCommand('Archflow: Request Changes…');
          await wb.answerInput(/What should change in 03-service-architecture\.md\?/, CHANGE);
          const review = await wb.expectNotification(
            /revised 03-service-architecture\.md, starting from your edits\./,
            60_000,
          );
          const question = await review.innerText();
          assert.match(question, /Keep Mine, Write Beside leaves 03-service-architecture\.md as it is/);
          await shot('8-hand-edit-diff');
          await review.getByRole('button', { name: 'Accept', exact: true }).click();
          await wb.expectNotification(/Step 3 — Service Design is done/, 60_000);
          const after = await read(SERVICES);
          assert.ok(after.includes(HAND_EDIT), 'the hand edit is kept');
          assert.ok(after.includes(`- Revised: ${CHANGE}`), 'the change was made');
          if (commented) assert.match(after, /Revised for C-1:/, 'the answered comment is kept');
          assert.match(after, /Control for SEC-9:/, 'the control is kept');
          await shot('9-hand-edit-kept');
        }));
    },
  );
}

interface StoredThread {
  id: string;
  file: string;
  line: number;
  status: string;
  resolved?: { by: string };
}

/** Waits until comments.json holds threads that satisfy `ok`. */
async function waitForThreads(out: string, ok: (threads: StoredThread[]) => boolean): Promise<StoredThread[]> {
  const deadline = Date.now() + 30_000;
  let threads: StoredThread[] = [];
  while (Date.now() < deadline) {
    const text = await fs.readFile(path.join(out, 'comments.json'), 'utf8').catch(() => undefined);
    threads = text ? (JSON.parse(text) as { threads: StoredThread[] }).threads : [];
    if (ok(threads)) return threads;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`comments.json never matched; last: ${JSON.stringify(threads)}`);
}
