/**
 * The extension-host integration checks (test/e2e/hostChecks/checks.ts) inside code-server: the
 * packaged Archflow plus the test-only host-checks extension in one extensions folder, a workspace
 * with a finished run (made by the CLI), and ARCHFLOW_HOST_CHECKS_OUT in code-server's environment.
 * The extension host starts when a window connects, so a headless Chromium opens the workspace.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { repoRoot } from '../helpers/paths';
import { type RunningCodeServer, ensureCodeServer, installExtension, startCodeServer } from './codeServer';
import { HOST_CHECKS_OUT_ENV, type HostCheckReport, USER_SETTINGS, WORKSPACE_SETTINGS } from './hostChecks/fixture';
import {
  PRD_NAME,
  WORKBENCH_SETTINGS,
  buildHostChecksVsix,
  createWorkspace,
  designWithCli,
  freshVsix,
  writeUserSettings,
} from './setup';
import { Workbench, launchChromium } from './workbench';

const OUTPUT_ROOT = path.join(repoRoot, '.test-output', 'e2e');

describe('extension-host checks in code-server', { timeout: 5 * 60_000 }, () => {
  let root: string;
  let fake: FakeAnthropic;
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let report: HostCheckReport;

  before(async () => {
    await fs.mkdir(OUTPUT_ROOT, { recursive: true });
    const install = await ensureCodeServer();
    const vsix = await freshVsix();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-hostchecks-'));
    const workspace = path.join(root, 'workspace');
    const prd = await createWorkspace(workspace, WORKSPACE_SETTINGS);
    fake = await startFakeAnthropic();
    await designWithCli(prd, fake.url);
    const dirs = { userDataDir: path.join(root, 'user-data'), extensionsDir: path.join(root, 'extensions') };
    await writeUserSettings(dirs.userDataDir, { ...WORKBENCH_SETTINGS, ...USER_SETTINGS });
    await installExtension(install, dirs, vsix);
    await installExtension(install, dirs, await buildHostChecksVsix(root));
    const reportFile = path.join(root, 'host-checks.json');
    server = await startCodeServer({
      install,
      ...dirs,
      env: { [HOST_CHECKS_OUT_ENV]: reportFile, ANTHROPIC_API_KEY: undefined, ANTHROPIC_BASE_URL: undefined },
      logFile: path.join(OUTPUT_ROOT, 'code-server-host-checks.log'),
    });
    browser = await launchChromium();
    const wb = new Workbench(await browser.newPage({ viewport: { width: 1280, height: 800 } }));
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
    await fs.writeFile(path.join(OUTPUT_ROOT, 'host-checks.json'), JSON.stringify(report, null, 2));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await fake?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  test('run inside VS Code 1.100 (code-server)', () => {
    assert.match(report.vscodeVersion, /^1\.100\./);
    assert.ok(report.checks.length >= 5, `checks ran: ${report.checks.map((c) => c.name).join(', ')}`);
  });

  for (const name of [
    'activation is lazy',
    'a contributed command activates it',
    'every contributed command is registered',
    'the Workflow tree matches archflow.json',
    'settings are read',
    'the agent-mode tools are registered and answer',
    'the status bar shows the unmet criteria',
    'MCP server definitions are registered where VS Code supports them',
  ]) {
    test(name, () => {
      const check = report.checks.find((c) => c.name === name);
      assert.ok(check, `no result for "${name}"`);
      assert.ok(check.ok, check.detail);
    });
  }
});
