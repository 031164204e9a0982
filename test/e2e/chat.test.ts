/**
 * Any Claude, through VS Code (issue 12): on the VS Code of today (1.139; only it lets an
 * extension provide chat models), with no Anthropic API key, the fake Claude models of
 * test/e2e/fakeLm answer from the fake server. "Design Architecture" offers VS Code's models and
 * writes the whole design through them (usage recorded as unknown); `@architect /design` typed in
 * the Chat view writes it again and ends with its result, the file tree and the buttons shown
 * without expanding what 1.139 folds under "Completed N steps"; `@architect /check` reports
 * the criteria as the files say; `@architect /resolve` resolves the open high finding that run's
 * review raised, each revision reviewed as a diff, and ends naming what it resolved. Screenshots in .test-output/e2e/<version>/chat-*.png.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { criteriaTool } from '../../src/core/tools/criteria';
import { callTool } from '../../src/core/tools/index';
import { parseFindingsTable } from '../../src/core/findings';
import { LAYOUT, STEPS, stepById, stepWithBlock } from '../../src/core/steps';
import { OPEN_FINDING_ID } from '../fake-anthropic/answers/revise';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { type RunningCodeServer, ensureCodeServer } from './codeServer';
import { FAKE_LM_URL_ENV, FAKE_LM_VENDOR, FAKE_MODELS } from './fakeLm/models';
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
import { selectedTargets } from './targets';
import { Workbench } from './workbench';
import { closeWorkbench, openWorkbench } from './session';

const target = selectedTargets().find((t) => t.languageModelProviders);

describe(
  `Archflow on VS Code's language models and in Chat (VS Code ${target?.vscode ?? 'none selected'})`,
  { skip: target ? false : 'no selected VS Code lets extensions provide chat models', timeout: 10 * 60_000 },
  () => {
    const OUTPUT_ROOT = target ? outputDirFor(target) : '';
    let root: string;
    let workspace: string;
    let out: string;
    let fake: FakeAnthropic;
    let server: RunningCodeServer | undefined;
    let browser: Browser | undefined;
    let wb: Workbench;

    before(async () => {
      if (!target) return;
      await fs.mkdir(OUTPUT_ROOT, { recursive: true });
      const install = await ensureCodeServer(target);
      const vsix = await freshVsix();
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-chat-'));
      workspace = path.join(root, 'workspace');
      await createWorkspace(workspace);
      out = path.join(workspace, ...OUTPUT_FOLDER.split('/'));
      fake = await startFakeAnthropic();
      const dirs = { userDataDir: path.join(root, 'user-data'), extensionsDir: path.join(root, 'extensions') };
      await writeUserSettings(dirs.userDataDir, WORKBENCH_SETTINGS);
      ({ server, browser, wb } = await openWorkbench({
        install,
        dirs,
        vsixes: [vsix, await buildTestExtensionVsix(root, FAKE_LM_EXTENSION)],
        env: { [FAKE_LM_URL_ENV]: fake.url, ANTHROPIC_API_KEY: undefined, ANTHROPIC_BASE_URL: undefined },
        logFile: path.join(OUTPUT_ROOT, 'code-server-chat.log'),
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

    /** Waits until `file` exists in the output folder. */
    async function waitForFile(file: string, timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await fs.stat(path.join(out, file)).catch(() => undefined)) return;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`${file} did not appear in ${out} within ${timeoutMs / 1000} s`);
    }

    /** Every step done, with usage unknown and a fake model named, as archflow.json records it. */
    async function assertRunOnFakeModels(): Promise<void> {
      const state = JSON.parse(await fs.readFile(path.join(out, 'archflow.json'), 'utf8')) as {
        steps: Record<string, { status?: string; model?: string; usage?: Record<string, unknown> }>;
      };
      for (const def of STEPS) {
        const rec = state.steps[def.id];
        assert.ok(rec, `step ${def.id} is recorded`);
        assert.equal(rec.usage?.unknown, true, `step ${def.id}: usage is recorded as unknown`);
        assert.equal(rec.model, `${FAKE_LM_VENDOR}/${FAKE_MODELS[0].id}`, `step ${def.id}: the large fake model`);
        await fs.access(path.join(out, def.document));
      }
      await fs.access(path.join(out, LAYOUT.architecture));
    }

    /**
     * The end of an answer — `texts`, the file tree naming `file` and `buttons` — is visible as the
     * answer first shows, before anything folded is expanded.
     */
    async function assertResultShown(
      response: Locator,
      texts: RegExp[],
      file: string,
      buttons: string[],
    ): Promise<void> {
      const shown = async (what: string, part: Locator): Promise<void> => {
        await part.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
          await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'chat-participant-folded.png') });
          throw new Error(`${what} is not visible without expanding the answer`);
        });
      };
      for (const t of texts) await shown(`"${t.source}"`, response.getByText(t).last());
      await shown(
        `the file tree's ${file}`,
        response.getByRole('treeitem', { name: new RegExp(file.replace(/\./g, '\\.')) }).first(),
      );
      for (const name of buttons) {
        await shown(`the button "${name}"`, response.getByRole('button', { name, exact: true }).first());
      }
    }

    test('without a key, Design Architecture offers VS Code’s models and the whole design is written through them', async () => {
      const before = fake.requests.length;
      await wb.runCommand('Archflow: Design Architecture');
      const offer = await wb.expectNotification(/no Anthropic API key is set\. Use VS Code's language models/);
      await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'chat-offer-vscode-lm.png') });
      await offer.getByRole('button', { name: "Use VS Code's Models" }).click();
      await waitForFile(LAYOUT.architecture, 240_000);
      await wb.expectNotification(/steps? done/, 60_000);
      await assertRunOnFakeModels();
      const models = new Set(fake.requests.slice(before).map((r) => r.model));
      assert.deepEqual([...models], [FAKE_MODELS[0].id], 'every request went to the 200k fake model');
      assert.ok(fake.requests.length - before >= STEPS.length, 'one request per step at least');
      await wb.clearNotifications();
      await wb.showArchflowView();
      const rows = await wb.waitForSteps(Object.fromEntries(STEPS.map((s) => [s.id, 'done'])));
      assert.equal(rows.length, STEPS.length);
      await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'chat-design-vscode-lm.png') });
    });

    test('@architect /design typed in the Chat view writes the design and shows the files and the criteria', async () => {
      await wb.clearNotifications();
      await fs.rm(out, { recursive: true, force: true });
      await wb.waitForNoSteps(30_000).catch(() => undefined);
      const before = fake.requests.length;
      // The security review of this run raises an open high finding, for /resolve below.
      fake.setFaults([{ kind: 'open-finding', step: stepWithBlock('findings').id, times: 1 }]);
      await wb.openChat();
      // Without Copilot the Chat view has no model: a chat request needs one picked.
      await wb.pickChatModel(FAKE_MODELS[0].name);
      await wb.sendChat(`@architect /design`);
      await wb
        .chatResponse(/Exit criteria: \d of 5 met/)
        .first()
        .waitFor({ timeout: 240_000 })
        .catch(async (err: unknown) => {
          await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'chat-participant-design-failed.png') });
          throw err;
        });
      const response = wb.chatResponse(/Exit criteria: \d of 5 met/).first();
      // The result shows without expanding what VS Code 1.139 folds under "Completed N steps".
      await assertResultShown(
        response,
        [/8 step\(s\) done/, /Token usage: unknown/, /Exit criteria: \d of 5 met/, /Files written/],
        LAYOUT.architecture,
        ['Open Preview', `Open ${LAYOUT.architecture}`],
      );
      await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'chat-participant-design.png') });
      await wb.expandChatResponse(response);
      const text = await response.innerText();
      assert.match(text, /Design Architecture/);
      assert.match(text, /✔ Step 8\b/, 'the progress lines are there once expanded');
      await assertRunOnFakeModels();
      assert.ok(fake.requests.length - before >= STEPS.length, 'the chat run asked the fake models again');
    });

    test('@architect /check reports the criteria as the files say, with follow-ups for what is unmet', async () => {
      const expected = await callTool(criteriaTool, {}, { outputDir: out, signal: new AbortController().signal });
      const met = expected.data.met as number;
      await wb.sendChat('@architect /check');
      const response = wb.chatResponse(new RegExp(`Exit criteria: ${met} of 5 met`)).first();
      await response.waitFor({ timeout: 60_000 });
      // VS Code 1.139 renders an answer's Markdown word by word: the whole list takes a moment.
      const titles = (expected.data.criteria as { title: string }[]).map((c) => c.title);
      let text = '';
      await wb.waitUntil(async () => {
        text = await response.innerText();
        return titles.every((t) => text.includes(t));
      }, 15_000);
      for (const title of titles) assert.ok(text.includes(title), `the answer names "${title}"`);
      // The approval is never recorded by a run: it is unmet, and a follow-up offers it.
      await wb.chatView().getByText('Record a stakeholder approval').first().waitFor({ timeout: 15_000 });
      await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'chat-participant-check.png') });
    });

    test('@architect /resolve streams its rounds, the revisions reviewed as diffs, and ends naming the findings resolved and open', async () => {
      const high = parseFindingsTable(
        await fs.readFile(path.join(out, stepWithBlock('findings').document), 'utf8'),
      ).find((f) => f.id === OPEN_FINDING_ID);
      assert.equal(high?.status, 'open', 'the chat run ended with an open high finding');
      await wb.sendChat('@architect /resolve');
      const review = await wb.expectNotification(
        /Step 3 — Service Design revised 03-service-architecture\.md\./,
        60_000,
      );
      await review.getByRole('button', { name: 'Accept All', exact: true }).click();
      // The answer is read once its result is there (the file tree and buttons are awaited below).
      const response = wb
        .chatResponse(new RegExp(`Resolved: ${OPEN_FINDING_ID}[\\s\\S]*Exit criteria: \\d of 5 met`))
        .first();
      await response.waitFor({ timeout: 180_000 }).catch(async (err: unknown) => {
        await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'chat-participant-resolve-failed.png') });
        throw err;
      });
      await assertResultShown(
        response,
        [
          /The security review passes after [12] rounds?\./,
          /Still open: none\./,
          /Exit criteria: 4 of 5 met/,
          /Files written/,
        ],
        stepById(3).document,
        [`Open ${stepWithBlock('findings').document}`, 'Open Preview'],
      );
      await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'chat-participant-resolve-result.png') });
      await wb.expandChatResponse(response);
      const text = await response.innerText();
      assert.match(text, /Resolve Security Findings/);
      assert.match(text, /Round 1 — revising steps? 3\b/);
      assert.match(text, /Step 3 — Service Design — \d+ file\(s\), tokens unknown/);
      assert.match(text, /The security review passes after [12] rounds?\./);
      assert.match(text, /Still open: none\./);
      assert.match(text, /tokens unknown/);
      assert.match(text, /Exit criteria: 4 of 5 met/);
      const fixed = parseFindingsTable(
        await fs.readFile(path.join(out, stepWithBlock('findings').document), 'utf8'),
      ).find((f) => f.id === OPEN_FINDING_ID);
      assert.equal(fixed?.status, 'mitigated');
      await wb.chatView().getByText('Record a stakeholder approval').first().waitFor({ timeout: 15_000 });
      await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'chat-participant-resolve.png') });
    });
  },
);
