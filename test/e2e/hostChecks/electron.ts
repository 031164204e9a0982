/**
 * `npm run test:electron`: the same host checks as in code-server, on desktop VS Code through
 * @vscode/test-electron, on the minimum VS Code of engines.vscode and on the newest stable.
 * It downloads VS Code from update.code.visualstudio.com, so it needs internet access (not part
 * of CI here). Versions: ARCHFLOW_VSCODE_VERSIONS="1.95.0,stable" (the default).
 * On Linux without a display, run it under xvfb-run.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startFakeAnthropic } from '../../fake-anthropic/server';
import { repoRoot } from '../../helpers/paths';
import { WORKBENCH_SETTINGS, createWorkspace, designWithCli, writeUserSettings } from '../setup';
import { HOST_CHECKS_OUT_ENV, type HostCheckReport, USER_SETTINGS, WORKSPACE_SETTINGS } from './fixture';

async function runOn(version: string): Promise<HostCheckReport> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), `archflow-electron-${version}-`));
  try {
    const workspace = path.join(root, 'workspace');
    const prd = await createWorkspace(workspace, WORKSPACE_SETTINGS);
    const fake = await startFakeAnthropic();
    try {
      await designWithCli(prd, fake.url);
    } finally {
      await fake.close();
    }
    const userDataDir = path.join(root, 'user-data');
    await writeUserSettings(userDataDir, { ...WORKBENCH_SETTINGS, ...USER_SETTINGS });
    const reportFile = path.join(root, 'host-checks.json');
    await runTests({
      version,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'electronSuite.js'),
      extensionTestsEnv: { [HOST_CHECKS_OUT_ENV]: reportFile },
      launchArgs: [
        workspace,
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        path.join(root, 'extensions'),
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    }).catch(async (err: unknown) => {
      // A failing check fails the run; the report says which, so prefer it to the exit code.
      const text = await fs.readFile(reportFile, 'utf8').catch(() => undefined);
      if (!text) throw err;
    });
    return JSON.parse(await fs.readFile(reportFile, 'utf8')) as HostCheckReport;
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const versions = (process.env.ARCHFLOW_VSCODE_VERSIONS ?? '1.95.0,stable')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  let failed = 0;
  let passed = 0;
  for (const version of versions) {
    const report = await runOn(version);
    console.log(`VS Code ${report.vscodeVersion} (${version}):`);
    for (const c of report.checks) {
      console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
      if (c.ok) passed++;
      else failed++;
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
