/**
 * code-server (VS Code 1.100 in a browser) for the end-to-end tests and `npm start`: installed
 * from the npm registry with the recipe of SPEC §9 into a cache outside git (idempotent, guarded
 * by a marker file and a lock), started on 127.0.0.1 with its own user data and extensions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
/** The VS Code inside it. */
export const VSCODE_VERSION = '1.100.3';
/** Bump when the recipe below changes, so caches made by an older recipe are rebuilt. */
const RECIPE = 1;
const MARKER = '.archflow-e2e-installed.json';
/** Native modules of VS Code's server that npm 11 does not build by itself (install scripts skipped). */
const VSCODE_NATIVE = [
  'kerberos',
  '@vscode/spdlog',
  'node-pty',
  'native-watchdog',
  '@parcel/watcher',
  '@vscode/deviceid',
];
const LOCK_STALE_MS = 20 * 60_000;

export type Log = (line: string) => void;
const defaultLog: Log = (line) => process.stderr.write(`[code-server] ${line}\n`);

/** The cache folder: $ARCHFLOW_E2E_CACHE, else ~/.cache/archflow-e2e. */
export function cacheRoot(): string {
  return process.env.ARCHFLOW_E2E_CACHE || path.join(os.homedir(), '.cache', 'archflow-e2e');
}

/** A usable code-server installation. */
export interface CodeServerInstall {
  /** The npm project holding node_modules/code-server. */
  dir: string;
  /** node_modules/code-server/out/node/entry.js, run with this Node. */
  entry: string;
  version: string;
  /** True when this call installed it (false: taken from the cache). */
  installedNow: boolean;
  /** Time this call took. */
  ms: number;
}

interface Marker {
  version: string;
  recipe: number;
  /** Native modules are built for one Node ABI. */
  modules: string;
  finishedAt: string;
}

function entryOf(dir: string): string {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

async function readMarker(dir: string): Promise<Marker | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, MARKER), 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}

function markerFits(m: Marker | undefined): boolean {
  return m?.version === CODE_SERVER_VERSION && m.recipe === RECIPE && m.modules === process.versions.modules;
}

/**
 * Installs code-server into the cache unless a complete installation is there already; safe to
 * call from several processes at once (the first installs, the others wait).
 */
export async function ensureCodeServer(log: Log = defaultLog): Promise<CodeServerInstall> {
  const started = Date.now();
  const root = cacheRoot();
  const dir = path.join(root, `code-server-${CODE_SERVER_VERSION}`);
  const done = (installedNow: boolean): CodeServerInstall => ({
    dir,
    entry: entryOf(dir),
    version: CODE_SERVER_VERSION,
    installedNow,
    ms: Date.now() - started,
  });
  if (markerFits(await readMarker(dir)) && existsSync(entryOf(dir))) return done(false);

  await fs.mkdir(root, { recursive: true });
  const release = await lock(path.join(root, `code-server-${CODE_SERVER_VERSION}.lock`), log);
  try {
    // Another process may have finished while we waited for the lock.
    if (markerFits(await readMarker(dir)) && existsSync(entryOf(dir))) return done(false);
    const staging = `${dir}.partial-${process.pid}`;
    await fs.rm(staging, { recursive: true, force: true });
    await fs.mkdir(staging, { recursive: true });
    const logFile = path.join(root, `install-${CODE_SERVER_VERSION}.log`);
    await fs.writeFile(logFile, `code-server ${CODE_SERVER_VERSION} install, ${new Date().toISOString()}\n`);
    log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (once; about 1-2 minutes; log: ${logFile})`);
    await installInto(staging, logFile, log);
    const marker: Marker = {
      version: CODE_SERVER_VERSION,
      recipe: RECIPE,
      modules: process.versions.modules,
      finishedAt: new Date().toISOString(),
    };
    await fs.writeFile(path.join(staging, MARKER), JSON.stringify(marker, null, 2));
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(staging, dir);
    log(`code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return done(true);
  } finally {
    await release();
  }
}

/** The recipe of SPEC §9, step by step, into `dir`. */
async function installInto(dir: string, logFile: string, log: Log): Promise<void> {
  const vscodeDir = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  const step = async (what: string, cwd: string, args: string[]): Promise<void> => {
    const t = Date.now();
    await runLogged('npm', args, cwd, logFile);
    log(`  ${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  await fs.writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'archflow-e2e-code-server', private: true, description: 'Cache; safe to delete.' }, null, 2),
  );
  await step('npm install code-server', dir, [
    'install',
    '--ignore-scripts',
    ...quiet,
    `code-server@${CODE_SERVER_VERSION}`,
  ]);
  await step('VS Code server dependencies', vscodeDir, ['install', '--omit=dev', '--ignore-scripts', ...quiet]);
  // VS Code's server loads its modules from node_modules.asar; ripgrep's postinstall would download.
  await fs.rm(path.join(vscodeDir, 'node_modules.asar'), { recursive: true, force: true });
  await fs.symlink('node_modules', path.join(vscodeDir, 'node_modules.asar'), 'dir');
  const rgDir = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  await fs.mkdir(rgDir, { recursive: true });
  await fs.rm(path.join(rgDir, 'rg'), { force: true });
  await fs.symlink(await which('rg'), path.join(rgDir, 'rg'));
  await step('native modules (node-gyp)', vscodeDir, ['rebuild', ...VSCODE_NATIVE]);
  await step('built-in extensions dependencies', path.join(vscodeDir, 'extensions'), [
    'install',
    '--omit=dev',
    '--ignore-scripts',
    ...quiet,
  ]);
  await step('argon2', dir, ['rebuild', 'argon2']);
  const version = await runCapture(process.execPath, [entryOf(dir), '--version'], dir, {
    ...process.env,
    XDG_DATA_HOME: path.join(dir, '.xdg-data'),
  });
  if (!version.includes(CODE_SERVER_VERSION)) throw new Error(`code-server --version printed: ${version}`);
}

/** The environment for npm: yes to prompts, and Node's own headers for node-gyp when npm has none set. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_yes: 'true', npm_config_update_notifier: 'false' };
  if (!env.npm_config_nodedir) {
    const prefix = path.resolve(path.dirname(process.execPath), '..');
    if (existsSync(path.join(prefix, 'include', 'node', 'node.h'))) env.npm_config_nodedir = prefix;
  }
  return env;
}

function runLogged(cmd: string, args: string[], cwd: string, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    void fs.appendFile(logFile, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`).then(async () => {
      const out = await fs.open(logFile, 'a');
      const child = spawn(cmd, args, { cwd, env: npmEnv(), stdio: ['ignore', out.fd, out.fd] });
      child.on('error', (err) => {
        void out.close();
        reject(err);
      });
      child.on('close', (code) => {
        void out.close().then(async () => {
          if (code === 0) return resolve();
          const tail = (await fs.readFile(logFile, 'utf8')).split('\n').slice(-40).join('\n');
          reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}) in ${cwd}:\n${tail}`));
        });
      });
    }, reject);
  });
}

function runCapture(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out}`)),
    );
  });
}

async function which(cmd: string): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  throw new Error(`${cmd} is not on PATH. Install Debian's ripgrep (apt-get install ripgrep), as .ci/run does.`);
}

/** A lock folder; a stale one (its owner gone or too old) is taken over. */
async function lock(lockDir: string, log: Log): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_STALE_MS;
  let told = false;
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      await fs.writeFile(path.join(lockDir, 'pid'), String(process.pid));
      return () => fs.rm(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(await fs.readFile(path.join(lockDir, 'pid'), 'utf8').catch(() => '0'));
    const age = Date.now() - (await fs.stat(lockDir).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if ((owner > 0 && !alive(owner)) || age > LOCK_STALE_MS || Date.now() > deadline) {
      log(`taking over a stale install lock (${lockDir})`);
      await fs.rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!told) log(`another process is installing code-server (pid ${owner}); waiting`);
    told = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A free TCP port on 127.0.0.1 (free now; code-server binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Where one code-server keeps its state. */
export interface CodeServerDirs {
  userDataDir: string;
  extensionsDir: string;
}

/** Common flags; a config file of our own keeps code-server from writing ~/.config/code-server. */
async function baseArgs(dirs: CodeServerDirs): Promise<string[]> {
  await fs.mkdir(dirs.userDataDir, { recursive: true });
  await fs.mkdir(dirs.extensionsDir, { recursive: true });
  const config = path.join(dirs.userDataDir, 'code-server.yaml');
  await fs.writeFile(config, 'auth: none\ncert: false\n');
  return ['--config', config, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir];
}

/** code-server keeps logs and a heartbeat under XDG_DATA_HOME: keep them with the instance, out of ~. */
function xdgEnv(dirs: CodeServerDirs): NodeJS.ProcessEnv {
  return { XDG_DATA_HOME: path.join(dirs.userDataDir, 'xdg-data') };
}

/** `code-server --install-extension <vsix>` into `dirs`, as a user would install the packaged extension. */
export async function installExtension(install: CodeServerInstall, dirs: CodeServerDirs, vsix: string): Promise<void> {
  const args = [install.entry, ...(await baseArgs(dirs)), '--force', '--install-extension', vsix];
  const out = await runCapture(process.execPath, args, install.dir, { ...process.env, ...xdgEnv(dirs) });
  if (!/successfully installed/i.test(out)) throw new Error(`Installing ${vsix} into code-server failed:\n${out}`);
}

/** A running code-server. */
export interface RunningCodeServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  pid: number;
  /** What code-server printed so far (stdout and stderr). */
  output(): string;
  /** The address that opens `folder` in the workbench. */
  folderUrl(folder: string): string;
  /** Resolves with the exit code when code-server exits (by stop() or on its own). */
  exited: Promise<number | null>;
  /** Stops code-server and its extension hosts. */
  stop(): Promise<void>;
}

export interface StartOptions extends CodeServerDirs {
  install: CodeServerInstall;
  /** Added to this process's environment (the extension host inherits it). */
  env?: Record<string, string | undefined>;
  /** 0 or undefined: a free port. */
  port?: number;
  /** Extra code-server flags. */
  args?: string[];
  /** Also write code-server's output to this file (replaced at each start). */
  logFile?: string;
}

/** Starts code-server on 127.0.0.1 and resolves once it answers HTTP. */
export async function startCodeServer(options: StartOptions): Promise<RunningCodeServer> {
  const port = options.port || (await freePort());
  const args = [
    options.install.entry,
    ...(await baseArgs(options)),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(options.args ?? []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, ...xdgEnv(options), ...options.env };
  // undefined in options.env removes a variable (spawn would pass the string "undefined").
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  // The parent's test runner variables would make node:test machinery activate in children.
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, args, {
    cwd: options.install.dir,
    env,
    // Its own process group, so stop() also ends the extension hosts it forks.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const logStream = options.logFile ? await fs.open(options.logFile, 'w') : undefined;
  const onData = (d: Buffer): void => {
    output += d.toString();
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
    void logStream?.write(d);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    // Extension hosts may outlive the server by a moment.
    killGroup(child, 'SIGKILL');
    await logStream?.close();
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url, exited, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    port,
    pid: child.pid!,
    output: () => output,
    folderUrl: (folder) => `${url}/?folder=${encodeURIComponent(folder)}`,
    exited,
    stop,
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForHttp(url: string, exited: Promise<number | null>, output: () => string): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? -1));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`code-server exited (${exitCode}) before it listened:\n${output()}`);
    if (await answers(`${url}/healthz`)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer on ${url} within 60 s:\n${output()}`);
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}
