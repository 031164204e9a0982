/**
 * The extension-host integration checks (test/e2e/hostChecks/checks.ts) inside code-server: the
 * packaged Archflow plus the test-only host-checks extension in one extensions folder, a workspace
 * with a finished run (made by the CLI), and ARCHFLOW_HOST_CHECKS_OUT in code-server's environment.
 * The extension host starts when a window connects, so a headless Chromium opens the workspace.
 * Once per VS Code of the matrix (targets.ts); where extensions can provide chat models, the fake
 * language model extension is installed too and the chat checks run against the fake server.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { type RunningCodeServer, ensureCodeServer, installExtension, startCodeServer } from './codeServer';
import { FAKE_LM_URL_ENV, FAKE_MODELS } from './fakeLm/models';
import {
  type ActivationSample,
  HOST_CHECKS_ACTIVATIONS_ENV,
  HOST_CHECKS_OUT_ENV,
  type HostCheckReport,
  USER_SETTINGS,
  WORKSPACE_SETTINGS,
  activationsFile,
} from './hostChecks/fixture';
import { PROBE_PARTICIPANT } from './hostChecks/probeFixture';
import {
  FAKE_LM_EXTENSION,
  HOST_CHECKS_EXTENSION,
  PRD_NAME,
  WORKBENCH_SETTINGS,
  buildTestExtensionVsix,
  createWorkspace,
  designWithCli,
  freshVsix,
  outputDirFor,
  writeUserSettings,
} from './setup';
import { type VscodeTarget, selectedTargets } from './targets';
import { Workbench, launchChromium } from './workbench';

/** The checks every VS Code runs. */
const CHECKS = [
  'activation is lazy',
  'a contributed command activates it',
  'every contributed command is registered',
  'the Workflow tree matches archflow.json',
  'settings are read',
  'the agent-mode tools are registered and answer',
  'the status bar shows the unmet criteria',
  'MCP server definitions are registered where VS Code supports them',
];

/** The chat and language model checks, where extensions can provide chat models. */
const CHAT_CHECKS = [
  'the fake Claude model streams the fake server answer',
  'a tool is invoked through vscode.lm.invokeTool',
  'a chat participant is reached from the Chat view',
  'an MCP server definition provider registers',
];

/**
 * Activations measured, each in a fresh extension host (the host-checks extension reloads the window):
 * the bench reports their median and maximum (bench/activation.ts).
 */
const ACTIVATIONS = 7;

/** The samples written so far (one JSON line each). */
async function readActivations(reportFile: string): Promise<ActivationSample[]> {
  const text = await fs.readFile(activationsFile(reportFile), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ActivationSample);
}

for (const target of selectedTargets()) hostChecksOn(target);

function hostChecksOn(target: VscodeTarget): void {
  const OUTPUT_ROOT = outputDirFor(target);

  describe(
    `extension-host checks in code-server ${target.codeServer} (VS Code ${target.vscode})`,
    { timeout: 8 * 60_000 },
    () => {
      let root: string;
      let fake: FakeAnthropic;
      let server: RunningCodeServer | undefined;
      let browser: Browser | undefined;
      let wb: Workbench;
      let report: HostCheckReport;
      let activations: ActivationSample[] = [];

      before(async () => {
        await fs.mkdir(OUTPUT_ROOT, { recursive: true });
        const install = await ensureCodeServer(target);
        const vsix = await freshVsix();
        root = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-hostchecks-'));
        const workspace = path.join(root, 'workspace');
        const prd = await createWorkspace(workspace, WORKSPACE_SETTINGS);
        fake = await startFakeAnthropic();
        await designWithCli(prd, fake.url);
        const dirs = { userDataDir: path.join(root, 'user-data'), extensionsDir: path.join(root, 'extensions') };
        await writeUserSettings(dirs.userDataDir, { ...WORKBENCH_SETTINGS, ...USER_SETTINGS });
        await installExtension(install, dirs, vsix);
        await installExtension(install, dirs, await buildTestExtensionVsix(root, HOST_CHECKS_EXTENSION));
        if (target.languageModelProviders) {
          await installExtension(install, dirs, await buildTestExtensionVsix(root, FAKE_LM_EXTENSION));
        }
        const reportFile = path.join(root, 'host-checks.json');
        server = await startCodeServer({
          install,
          ...dirs,
          env: {
            [HOST_CHECKS_OUT_ENV]: reportFile,
            [HOST_CHECKS_ACTIVATIONS_ENV]: String(ACTIVATIONS),
            [FAKE_LM_URL_ENV]: fake.url,
            ANTHROPIC_API_KEY: undefined,
            ANTHROPIC_BASE_URL: undefined,
          },
          logFile: path.join(OUTPUT_ROOT, 'code-server-host-checks.log'),
        });
        browser = await launchChromium();
        wb = new Workbench(await browser.newPage({ viewport: { width: 1280, height: 800 } }));
        await wb.open(server.folderUrl(workspace), PRD_NAME);
        const deadline = Date.now() + 90_000;
        for (;;) {
          const text = await fs.readFile(reportFile, 'utf8').catch(() => undefined);
          if (text) {
            report = JSON.parse(text) as HostCheckReport;
            break;
          }
          if (Date.now() > deadline) throw new Error(`no host-check report in ${reportFile} after 90 s`);
          await new Promise((r) => setTimeout(r, 250));
        }
        // Then the new hosts, one activation each (a few seconds a reload).
        const restarts = Date.now() + 30_000 * ACTIVATIONS;
        while ((activations = await readActivations(reportFile)).length < ACTIVATIONS && Date.now() < restarts) {
          await new Promise((r) => setTimeout(r, 250));
        }
        await fs.writeFile(
          path.join(OUTPUT_ROOT, 'host-checks.json'),
          JSON.stringify({ ...report, activations }, null, 2),
        );
      });

      after(async () => {
        await browser?.close().catch(() => undefined);
        await server?.stop();
        await fake?.close();
        if (root) await fs.rm(root, { recursive: true, force: true });
      });

      test(`run inside VS Code ${target.vscode} (code-server)`, () => {
        assert.equal(report.vscodeVersion, target.vscode);
        const want = [...CHECKS, ...(target.languageModelProviders ? CHAT_CHECKS : [])];
        assert.deepEqual(
          report.checks.map((c) => c.name),
          want,
          'the checks that ran',
        );
        assert.equal(report.api['lm.registerLanguageModelChatProvider'], target.languageModelProviders);
      });

      test(`Archflow activated in each of ${ACTIVATIONS} fresh extension hosts`, () => {
        // Counts, never times: the times are the bench's (bench/activation.ts).
        assert.equal(activations.length, ACTIVATIONS, 'activations measured');
        for (const a of activations)
          assert.ok(a.firstLine <= a.activated && a.activated <= a.commandDone, JSON.stringify(a));
      });

      if (target.languageModelProviders) {
        test('the fake models sent their requests to the fake server', () => {
          const models = new Set(fake.requests.map((r) => r.model));
          assert.ok(models.has(FAKE_MODELS[0].id), `models the fake server saw: ${[...models].join(', ')}`);
        });

        test('typed in the Chat view, "@e2eprobe /ping" is answered by the model picked there', async () => {
          const small = FAKE_MODELS[1];
          const before = fake.requests.length;
          await wb.openChat();
          await wb.pickChatModel(small.name);
          await wb.sendChat(`@${PROBE_PARTICIPANT.name} /${PROBE_PARTICIPANT.command} typed by a user`);
          // The probe participant prefixes the model's answer with "pong:"; the fake counts the prompt's words.
          await wb
            .chatResponse(/pong: This is the fake Anthropic server\. Your message had 4 words/)
            .first()
            .waitFor({ timeout: 30_000 });
          await wb.page.screenshot({ path: path.join(OUTPUT_ROOT, 'chat-view-participant.png') });
          const sent = fake.requests.slice(before).map((r) => r.model);
          assert.deepEqual(sent, [small.id], 'one request, to the model picked in the Chat view');
        });
      }

      for (const name of [...CHECKS, ...(target.languageModelProviders ? CHAT_CHECKS : [])]) {
        test(name, () => {
          const check = report.checks.find((c) => c.name === name);
          assert.ok(check, `no result for "${name}"`);
          assert.ok(check.ok, check.detail);
        });
      }
    },
  );
}
