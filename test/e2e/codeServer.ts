/**
 * code-server (VS Code in a browser) for the end-to-end tests and `npm start`, one per target of
 * the version matrix (targets.ts): installed from the npm registry with the recipe of SPEC §9/§13
 * into the e2e cache (idempotent, guarded by a marker file and a lock), built for and started with
 * the Node the target needs, on 127.0.0.1 with its own user data and extensions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { type Log, ensureCached, runCapture, runLogged } from './cache';
import { type NodeRuntime, currentNode, ensureNode } from './nodeRuntime';
import type { VscodeTarget } from './targets';

export { cacheRoot } from './cache';
export type { Log } from './cache';

const defaultLog: Log = (line) => process.stderr.write(`[code-server] ${line}\n`);

/** A usable code-server installation. */
export interface CodeServerInstall {
  target: VscodeTarget;
  /** The npm project holding node_modules/code-server. */
  dir: string;
  /** node_modules/code-server/out/node/entry.js, run with `node`. */
  entry: string;
  /** The Node executable that runs it (its native modules are built for it). */
  node: string;
  version: string;
  /** True when this call installed code-server or its Node (false: both taken from the cache). */
  installedNow: boolean;
  /** Time this call took. */
  ms: number;
}

function entryOf(dir: string): string {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/**
 * Installs the target's Node and code-server into the cache unless complete installations are
 * there already; safe to call from several processes at once (the first installs, the others wait).
 */
export async function ensureCodeServer(target: VscodeTarget, log: Log = defaultLog): Promise<CodeServerInstall> {
  const started = Date.now();
  const runtime = target.node ? await ensureNode(target.node, log) : currentNode();
  const { dir, built } = await ensureCached(
    {
      name: `code-server-${target.codeServer}`,
      // Native modules are built for one Node ABI: another Node means another build.
      marker: { version: target.codeServer, recipe: target.recipe, modules: runtime.modules },
      sentinel: path.join('node_modules', 'code-server', 'out', 'node', 'entry.js'),
      build: async (staging, logFile) => {
        log(
          `installing code-server ${target.codeServer} (VS Code ${target.vscode}, Node ${runtime.version}) ` +
            `into the cache (once; about 1-2 minutes; log: ${logFile})`,
        );
        await installInto(target, runtime, staging, logFile, log);
        log(`code-server ${target.codeServer} installed in ${Math.round((Date.now() - started) / 1000)} s`);
      },
    },
    log,
  );
  return {
    target,
    dir,
    entry: entryOf(dir),
    node: runtime.node,
    version: target.codeServer,
    installedNow: built || runtime.installedNow,
    ms: Date.now() - started,
  };
}

/** The recipe of SPEC §9 (and §13 for another Node), step by step, into `dir`. */
async function installInto(
  target: VscodeTarget,
  runtime: NodeRuntime,
  dir: string,
  logFile: string,
  log: Log,
): Promise<void> {
  const vscodeDir = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  const env = npmEnv(runtime);
  const step = async (what: string, cwd: string, args: string[]): Promise<void> => {
    const t = Date.now();
    await runLogged('npm', args, cwd, logFile, env);
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
    `code-server@${target.codeServer}`,
  ]);
  await step('VS Code server dependencies', vscodeDir, ['install', '--omit=dev', '--ignore-scripts', ...quiet]);
  // VS Code's server loads its modules from node_modules.asar.
  await fs.rm(path.join(vscodeDir, 'node_modules.asar'), { recursive: true, force: true });
  await fs.symlink('node_modules', path.join(vscodeDir, 'node_modules.asar'), 'dir');
  if (target.ripgrepBin) {
    // ripgrep's postinstall would download it: Debian's takes its place.
    const rg = path.join(vscodeDir, ...target.ripgrepBin.split('/'));
    await fs.mkdir(path.dirname(rg), { recursive: true });
    await fs.rm(rg, { force: true });
    await fs.symlink(await which('rg'), rg);
  }
  await step('native modules (node-gyp)', vscodeDir, ['rebuild', ...target.nativeModules]);
  await step('built-in extensions dependencies', path.join(vscodeDir, 'extensions'), [
    'install',
    '--omit=dev',
    '--ignore-scripts',
    ...quiet,
  ]);
  await step('argon2', dir, ['rebuild', 'argon2']);
  const version = await runCapture(runtime.node, [entryOf(dir), '--version'], dir, {
    ...process.env,
    XDG_DATA_HOME: path.join(dir, '.xdg-data'),
  });
  if (!version.includes(target.codeServer)) throw new Error(`code-server --version printed: ${version}`);
}

/**
 * The environment for npm: yes to prompts, the runtime's Node first on PATH (npm and node-gyp run
 * with it, so native modules are built for its ABI) and its headers for node-gyp (nothing to download).
 */
function npmEnv(runtime: NodeRuntime): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [path.dirname(runtime.node), process.env.PATH].filter(Boolean).join(path.delimiter),
    npm_config_yes: 'true',
    npm_config_update_notifier: 'false',
  };
  // A nodedir the user set is kept for the Node running the tests; another Node needs its own headers.
  if (runtime.node !== process.execPath || !env.npm_config_nodedir) {
    if (!existsSync(path.join(runtime.prefix, 'include', 'node', 'node.h'))) {
      throw new Error(
        `No Node headers in ${runtime.prefix}/include/node: node-gyp would download them (no internet here). ` +
          'Install a Node that ships its headers (Debian: nodejs with libnode-dev), or set npm_config_nodedir.',
      );
    }
    env.npm_config_nodedir = runtime.prefix;
  }
  return env;
}

async function which(cmd: string): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  throw new Error(`${cmd} is not on PATH. Install Debian's ripgrep (apt-get install ripgrep), as .ci/run does.`);
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
  const out = await runCapture(install.node, args, install.dir, { ...process.env, ...xdgEnv(dirs) });
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
  const child = spawn(options.install.node, args, {
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
