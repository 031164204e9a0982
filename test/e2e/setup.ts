/**
 * What the end-to-end tests and `npm start` prepare around code-server: the packaged .vsix, the
 * test-only extensions (host checks, fake language models), a workspace holding a PRD, user
 * settings, and a CLI run.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createVSIX } from '@vscode/vsce';
import * as esbuild from 'esbuild';
import { repoRoot } from '../helpers/paths';
import { FAKE_LM_VENDOR } from './fakeLm/models';
import { PROBE_CONTRIBUTIONS } from './hostChecks/probeFixture';
import type { VscodeTarget } from './targets';

export const SAMPLE_PRD = path.join(repoRoot, 'test', 'e2e', 'fixtures', 'sample-prd.md');
/** The PRD's name in the workspaces the tests open. */
export const PRD_NAME = 'PRD.md';
export const OUTPUT_FOLDER = 'docs/architecture';

/** Where the e2e suites of one VS Code write screenshots, logs and reports: .test-output/e2e/<name>/. */
export function outputDirFor(target: VscodeTarget): string {
  return path.join(repoRoot, '.test-output', 'e2e', target.name);
}

/** The .vsix `npm run vsix` writes. */
export function vsixPath(): string {
  const { name, version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return path.join(repoRoot, `${name}-${version}.vsix`);
}

/**
 * The packaged extension; throws when it is missing or older than the sources it was built from.
 * ARCHFLOW_E2E_VSIX names another .vsix to test instead (taken as it is).
 */
export async function freshVsix(): Promise<string> {
  const other = process.env.ARCHFLOW_E2E_VSIX;
  if (other) return path.resolve(other);
  const vsix = vsixPath();
  const hint = 'Run `npm run vsix` first (`npm run test:e2e` does).';
  const stat = await fs.stat(vsix).catch(() => undefined);
  if (!stat) throw new Error(`${path.basename(vsix)} is missing. ${hint}`);
  const newest = await newestMtime([
    path.join(repoRoot, 'src'),
    path.join(repoRoot, 'prompts'),
    path.join(repoRoot, 'media'),
    path.join(repoRoot, 'package.json'),
  ]);
  if (newest.mtimeMs > stat.mtimeMs + 1000) {
    throw new Error(`${path.basename(vsix)} is older than ${path.relative(repoRoot, newest.file)}. ${hint}`);
  }
  return vsix;
}

async function newestMtime(paths: string[]): Promise<{ file: string; mtimeMs: number }> {
  let best = { file: '', mtimeMs: 0 };
  const visit = async (p: string): Promise<void> => {
    const st = await fs.stat(p).catch(() => undefined);
    if (!st) return;
    if (st.isDirectory()) {
      for (const e of await fs.readdir(p)) await visit(path.join(p, e));
    } else if (st.mtimeMs > best.mtimeMs) {
      best = { file: p, mtimeMs: st.mtimeMs };
    }
  };
  for (const p of paths) await visit(p);
  return best;
}

/** A test-only extension: its entry module (bundled by esbuild) and its package.json fields. */
interface TestExtension {
  /** package.json `name` (publisher archflow-e2e). */
  name: string;
  displayName: string;
  /** Entry module under test/e2e. */
  entry: string;
  /** engines.vscode. */
  vscode: string;
  activationEvents: string[];
  contributes?: Record<string, unknown>;
}

/**
 * The host-checks extension: runs test/e2e/hostChecks in the extension host, and contributes a
 * chat participant and a language model tool the checks drive (VS Code ignores contribution
 * points it does not know).
 */
export const HOST_CHECKS_EXTENSION: TestExtension = {
  name: 'host-checks',
  displayName: 'Archflow host checks (tests only)',
  entry: 'hostChecks/extension.ts',
  vscode: '^1.95.0',
  // Not a dependency on archflow.archflow: that would activate Archflow first and defeat the laziness check.
  activationEvents: ['onStartupFinished'],
  contributes: PROBE_CONTRIBUTIONS,
};

/** The fake language model extension (test/e2e/fakeLm), for VS Code versions with the provider API. */
export const FAKE_LM_EXTENSION: TestExtension = {
  name: 'fake-language-model',
  displayName: 'Fake Claude models (tests only)',
  entry: 'fakeLm/extension.ts',
  vscode: '^1.104.0',
  activationEvents: ['onStartupFinished'],
  contributes: {
    languageModelChatProviders: [{ vendor: FAKE_LM_VENDOR, displayName: 'Fake Claude (Archflow tests)' }],
  },
};

/**
 * Packages a test-only extension as a .vsix in `workDir` (bundled by esbuild, so it runs from any
 * folder), for `code-server --install-extension`.
 */
export async function buildTestExtensionVsix(workDir: string, ext: TestExtension): Promise<string> {
  const staging = path.join(workDir, `${ext.name}-extension`);
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test', 'e2e', ...ext.entry.split('/'))],
    outfile: path.join(staging, 'dist', 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'silent',
  });
  const manifest = {
    name: ext.name,
    displayName: ext.displayName,
    publisher: 'archflow-e2e',
    version: '0.0.1',
    license: 'MIT',
    engines: { vscode: ext.vscode },
    main: './dist/extension.js',
    activationEvents: ext.activationEvents,
    ...(ext.contributes ? { contributes: ext.contributes } : {}),
  };
  await fs.writeFile(path.join(staging, 'package.json'), JSON.stringify(manifest, null, 2));
  await fs.writeFile(path.join(staging, 'README.md'), `Test-only extension: ${ext.displayName}.\n`);
  await fs.writeFile(path.join(staging, '.vscodeignore'), '**\n!dist/extension.js\n!package.json\n!README.md\n');
  const out = path.join(workDir, `archflow-e2e-${ext.name}.vsix`);
  // vsce reports on the console; keep the test output for the tests.
  const saved = { log: console.log, info: console.info, warn: console.warn };
  console.log = console.info = console.warn = () => undefined;
  try {
    await createVSIX({
      cwd: staging,
      packagePath: out,
      dependencies: false,
      allowMissingRepository: true,
      skipLicense: true,
    });
  } finally {
    Object.assign(console, saved);
  }
  return out;
}

/** A workspace folder holding the sample PRD (and optional .vscode/settings.json). */
export async function createWorkspace(dir: string, workspaceSettings?: Record<string, unknown>): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  await fs.copyFile(SAMPLE_PRD, path.join(dir, PRD_NAME));
  if (workspaceSettings) {
    await fs.mkdir(path.join(dir, '.vscode'), { recursive: true });
    await fs.writeFile(path.join(dir, '.vscode', 'settings.json'), JSON.stringify(workspaceSettings, null, 2));
  }
  return path.join(dir, PRD_NAME);
}

/** Quiet, offline, predictable workbench settings for a fresh user data folder. */
export const WORKBENCH_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.dialogStyle': 'custom',
};

/** Writes `<userDataDir>/User/settings.json`, merged over what is there. */
export async function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): Promise<void> {
  const file = path.join(userDataDir, 'User', 'settings.json');
  await fs.mkdir(path.dirname(file), { recursive: true });
  const current = existsSync(file) ? (JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>) : {};
  await fs.writeFile(file, JSON.stringify({ ...current, ...settings }, null, 2));
}

/** Runs the built CLI's `design` on `prd` against `baseUrl` (a finished run for the host checks). */
export function designWithCli(prd: string, baseUrl: string): Promise<void> {
  const out = path.join(path.dirname(prd), ...OUTPUT_FOLDER.split('/'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'design', prd, '--out', out], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ANTHROPIC_API_KEY: 'test-key',
        ANTHROPIC_BASE_URL: baseUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`archflow design exited ${code}:\n${text}`)),
    );
  });
}
