/**
 * The extensionTestsPath module for @vscode/test-electron: runs the host checks inside desktop
 * VS Code's extension host, writes the report, and fails when a check failed.
 */
import { runHostChecksTo } from './checks';
import { HOST_CHECKS_OUT_ENV } from './fixture';

export async function run(): Promise<void> {
  const out = process.env[HOST_CHECKS_OUT_ENV];
  if (!out) throw new Error(`${HOST_CHECKS_OUT_ENV} is not set`);
  const report = await runHostChecksTo(out);
  for (const c of report.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  if (!report.ok) throw new Error(`${report.checks.filter((c) => !c.ok).length} host check(s) failed`);
}
