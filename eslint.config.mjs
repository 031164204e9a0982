// Type-aware lint: floating promises are errors (an unhandled rejection loses a user's error).
// The import boundaries between the runtimes are lint errors too (see the last blocks).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/** Node's built-in modules, with and without the `node:` prefix. */
const NODE_BUILTINS = `^(node:.*|${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/.*)?$`;

/** Modules a unit test may not load: the VS Code API, child processes and sockets. */
const UNIT_FORBIDDEN = ['vscode', 'child_process', 'net', 'http', 'https', 'http2', 'tls', 'dgram'];
const UNIT_FORBIDDEN_RE = `^(node:)?(${UNIT_FORBIDDEN.join('|')})$`;
const UNIT_FORBIDDEN_MESSAGE = 'A unit test loads no vscode, child process or socket module: move it to test/integration.';
/** Unit tests exempt from the tier rule: none (HTTP and CLI-spawning tests live in test/integration). */
const UNIT_TIER_EXEMPT = [];

/**
 * `no-restricted-imports` with one message per forbidden group; `regex` is matched against the
 * import specifier as written (relative imports are relative to the importing file's folder).
 */
function boundary(files, groups, ignores = []) {
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: groups.map(([regex, message]) => ({ regex, message, caseSensitive: true })) },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', '.test-output/**', 'media/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/test return promises the runner awaits itself.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },

  // The boundaries. src/shared is the contract both the host and the webview compile: it imports
  // nothing outside itself, neither the VS Code API nor Node.
  boundary(
    ['src/shared/**/*.ts'],
    [
      ['^\\.\\./', 'src/shared imports only src/shared (it is the contract; no core, vscode or webview code).'],
      ['^vscode$', 'src/shared never imports vscode.'],
      [NODE_BUILTINS, 'src/shared runs in the webview too: no Node modules.'],
    ],
  ),
  // The webview is browser code: its own modules, the contract and its npm packages.
  // (Two entries: "../" leaves src/webview from its top folder, but not from a subfolder of it.)
  boundary(
    ['src/webview/*.ts'],
    [
      ['^\\.\\./(?!shared/)', 'src/webview imports only src/webview and src/shared (talk to the host by message).'],
      ['^vscode$', 'src/webview never imports vscode (it talks to the host by message).'],
      [NODE_BUILTINS, 'src/webview is browser code: no Node modules.'],
    ],
  ),
  boundary(
    ['src/webview/*/**/*.ts'],
    [
      [
        '^\\.\\./\\.\\./(?!shared/)|^\\.\\./\\.\\./\\.\\./',
        'src/webview imports only src/webview and src/shared (talk to the host by message).',
      ],
      ['^vscode$', 'src/webview never imports vscode (it talks to the host by message).'],
      [NODE_BUILTINS, 'src/webview is browser code: no Node modules.'],
    ],
  ),
  // The core and the CLI are hosts of no editor.
  boundary(
    ['src/core/**/*.ts'],
    [['(^|/)(vscode|webview|cli)(/|$)', 'src/core never imports vscode, nor host or webview code.']],
  ),
  boundary(['src/cli/**/*.ts'], [['(^|/)vscode(/|$)', 'src/cli never imports vscode or the extension host.']]),
  boundary(['src/mcp/**/*.ts'], [['(^|/)vscode(/|$)', 'src/mcp never imports vscode or the extension host.']]),
  // Host code that unit and browser tests load in plain Node: the preview's projection and HTML,
  // the session's live state, the command ids, the live output's streams, the status bar's text.
  boundary(
    [
      'src/vscode/preview/**/*.ts',
      'src/vscode/session/overlay.ts',
      'src/vscode/session/runProgress.ts',
      'src/vscode/commands/ids.ts',
      'src/vscode/liveStreams.ts',
      'src/vscode/statusSummary.ts',
    ],
    [['^vscode$', 'This host module is pure: tests load it in plain Node, without VS Code.']],
  ),
  // Unit tests run in plain Node, fast and alone: no VS Code, no child process, no socket. Those
  // tests belong in test/integration (CLI spawns, HTTP) or beside the host checks (test/e2e).
  boundary(['test/unit/**/*.ts'], [[UNIT_FORBIDDEN_RE, UNIT_FORBIDDEN_MESSAGE]], UNIT_TIER_EXEMPT),
  {
    files: ['test/unit/**/*.ts'],
    ignores: UNIT_TIER_EXEMPT,
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'A unit test opens no socket: HTTP tests belong in test/integration.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: `ImportExpression[source.value=/${UNIT_FORBIDDEN_RE}/]`, message: UNIT_FORBIDDEN_MESSAGE },
        {
          selector: `CallExpression[callee.name='require'][arguments.0.value=/${UNIT_FORBIDDEN_RE}/]`,
          message: UNIT_FORBIDDEN_MESSAGE,
        },
      ],
    },
  },
);
