#!/usr/bin/env node
// `npm start`: opens the freshly built extension in a local VS Code — code-server on 127.0.0.1
// with the .vsix installed and a sample workspace holding a PRD — and prints the address to open.
// `npm start` builds first (npm run vsix, npm run build:tests); this script only runs things.
//
//   npm start                      your API key: ANTHROPIC_API_KEY, or the one Archflow keeps in
//                                  VS Code's SecretStorage (it asks for one on the first run)
//   npm start -- --fake            no key needed: a local fake Anthropic server answers
//   npm start -- --port 9000       another port (default 8080, or a free one when it is taken)
//   npm start -- --workspace DIR   another folder to open (default .cache/sample-workspace)
//   npm start -- --vscode 1.100    another VS Code of the e2e matrix (default: the current one, 1.139)
//
// State (user settings, installed extension, logs) lives in .cache/code-server-<version>/ (gitignored);
// code-server itself is cached in ~/.cache/archflow-e2e (or $ARCHFLOW_E2E_CACHE).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const compiled = (p) => path.join(repoRoot, 'out', 'test', ...p.split('/'));

function usage(message) {
  if (message) console.error(`start: ${message}`);
  console.error('Usage: npm start [-- --fake] [-- --port N] [-- --workspace DIR] [-- --vscode VERSION]');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { fake: false, port: undefined, workspace: undefined, vscode: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--fake') options.fake = true;
    else if (arg === '--port') {
      options.port = Number(argv[++i]);
      if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
        usage('--port needs a port number.');
    } else if (arg === '--workspace') {
      if (!argv[i + 1]) usage('--workspace needs a folder.');
      options.workspace = path.resolve(argv[++i]);
    } else if (arg === '--vscode') {
      if (!argv[i + 1]) usage('--vscode needs a version (1.100, 1.139).');
      options.vscode = argv[++i];
    } else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown argument ${arg}`);
  }
  return options;
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(compiled('e2e/codeServer.js'))) {
    usage('out/test/e2e is missing: run `npm start` (it builds), not this script directly.');
  }
  const cs = require(compiled('e2e/codeServer.js'));
  const setup = require(compiled('e2e/setup.js'));
  const targets = require(compiled('e2e/targets.js'));

  let target;
  try {
    target = options.vscode ? targets.targetNamed(options.vscode) : targets.CURRENT;
  } catch (err) {
    usage(err.message);
  }
  const vsix = await setup.freshVsix();
  const install = await cs.ensureCodeServer(target, (line) => console.log(`[code-server] ${line}`));

  // One state folder per VS Code: user data of a newer one may not suit an older one.
  const state = path.join(repoRoot, '.cache', `code-server-${target.name}`);
  const dirs = { userDataDir: path.join(state, 'user-data'), extensionsDir: path.join(state, 'extensions') };
  await mkdir(state, { recursive: true });
  await setup.writeUserSettings(dirs.userDataDir, setup.WORKBENCH_SETTINGS);
  await cs.installExtension(install, dirs, vsix);

  const workspace = options.workspace ?? path.join(repoRoot, '.cache', 'sample-workspace');
  if (!options.workspace && !existsSync(path.join(workspace, setup.PRD_NAME))) await setup.createWorkspace(workspace);
  if (!existsSync(workspace)) usage(`${workspace} does not exist.`);

  const env = {};
  let fake;
  if (options.fake) {
    const { startFakeAnthropic } = require(compiled('fake-anthropic/server.js'));
    // Slow enough to watch the text arrive.
    fake = await startFakeAnthropic({ chunkDelayMs: 15, latencyMs: 300 });
    env.ANTHROPIC_BASE_URL = fake.url;
    env.ANTHROPIC_API_KEY = 'fake-key';
  }

  let port = options.port ?? 8080;
  if (!(await portIsFree(port))) {
    if (options.port) usage(`port ${port} is taken.`);
    port = await cs.freePort();
  }
  const server = await cs.startCodeServer({
    install,
    ...dirs,
    port,
    env,
    logFile: path.join(state, 'code-server.log'),
  });

  const key = options.fake
    ? `a fake Anthropic server on ${fake.url} (no API key needed; documents are canned)`
    : process.env.ANTHROPIC_API_KEY
      ? 'your ANTHROPIC_API_KEY from this shell (a key set with "Archflow: Set API Key" takes precedence)'
      : 'the key in VS Code\'s SecretStorage; without one, Archflow asks for it on the first run ("Archflow: Set API Key")';
  console.log(`
Archflow ${require(path.join(repoRoot, 'package.json')).version} is running in VS Code ${target.vscode} (code-server ${install.version}).

  Open:  ${server.folderUrl(workspace)}

  Workspace: ${workspace}
  Model:     ${key}
  Try:       right-click ${setup.PRD_NAME} in the Explorer and choose "Design Architecture".
  Logs:      ${path.relative(process.cwd(), path.join(state, 'code-server.log'))}

Ctrl+C stops it.`);

  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await fake?.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const code = await server.exited;
  if (!stopping) {
    console.error(`code-server exited unexpectedly (${code}):\n${server.output().slice(-4000)}`);
    await stop(1);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
