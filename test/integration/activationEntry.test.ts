/**
 * The extension's entry (dist/extension.js, built by `npm run compile`) as VS Code loads it, with a
 * recording stand-in for the `vscode` module: activate() registers every contribution of the manifest
 * and loads neither the workflow host (dist/extension-host.js) nor the Anthropic SDK; the first use
 * of a registration does. Sizes and loads, never times (the bench reports the times).
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths';

const ENTRY = path.join(repoRoot, 'dist', 'extension.js');

/** The entry's budget: it registers, the host works (ADR 0018). */
const ENTRY_MAX_BYTES = 40_000;

interface Manifest {
  contributes: {
    commands: { command: string }[];
    languageModelTools: { name: string }[];
    views: Record<string, { id: string }[]>;
    chatParticipants: { id: string }[];
  };
}

/** A value whose every member is a callable, constructible no-op returning itself (awaited: undefined). */
function anything(): unknown {
  const fn = function (): unknown {
    return proxy;
  };
  const proxy: unknown = new Proxy(fn, {
    get: (_t, key) =>
      key === 'then'
        ? (ok: (v: unknown) => unknown, fail: (e: unknown) => unknown) => Promise.resolve(undefined).then(ok, fail)
        : key === Symbol.toPrimitive
          ? () => ''
          : key === Symbol.iterator
            ? function* () {}
            : proxy,
    set: () => true,
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

type Handler = (...args: unknown[]) => unknown;

/** The members of `vscode` the extension reads (the rest stand in as no-ops too). */
const VSCODE_NAMES = (
  'CancellationError CancellationTokenSource ChatFollowup ChatResponseFileTree Comment CommentMode ' +
  'CommentThreadCollapsibleState CommentThreadState ConfigurationTarget Disposable EventEmitter ' +
  'InputBoxValidationSeverity LanguageModelChatMessage LanguageModelError LanguageModelTextPart ' +
  'LanguageModelToolResult Location MarkdownString Position ProgressLocation Range RelativePattern ' +
  'StatusBarAlignment TextEditorRevealType ThemeColor ThemeIcon TreeItem TreeItemCollapsibleState Uri ' +
  'ViewColumn commands comments env extensions languages lm chat window workspace version'
).split(' ');

interface Recorded {
  commands: Map<string, Handler>;
  tools: string[];
  views: Map<string, { treeDataProvider: { getChildren(node?: unknown): unknown } }>;
  participants: string[];
  serializers: string[];
}

/** A `vscode` that records the registrations and stands in for the rest. */
function recordingVscode(): { vscode: unknown; recorded: Recorded } {
  const recorded: Recorded = { commands: new Map(), tools: [], views: new Map(), participants: [], serializers: [] };
  const disposable = { dispose: () => undefined };
  const base = anything() as Record<string | symbol, unknown>;
  const overrides: Record<string, Record<string, unknown>> = {
    commands: {
      registerCommand: (id: string, handler: Handler) => {
        recorded.commands.set(id, handler);
        return disposable;
      },
    },
    lm: {
      registerTool: (name: string) => {
        recorded.tools.push(name);
        return disposable;
      },
    },
    chat: {
      createChatParticipant: (id: string) => {
        recorded.participants.push(id);
        return { dispose: () => undefined };
      },
    },
    window: {
      createTreeView: (id: string, options: { treeDataProvider: { getChildren(node?: unknown): unknown } }) => {
        recorded.views.set(id, options);
        return anything();
      },
      registerWebviewPanelSerializer: (type: string) => {
        recorded.serializers.push(type);
        return disposable;
      },
    },
  };
  // A plain object with the names the extension uses: the bundle's import helper copies own keys.
  const vscode: Record<string, unknown> = {};
  for (const name of VSCODE_NAMES) {
    const o = overrides[name];
    vscode[name] = o ? new Proxy(o, { get: (t, k) => (typeof k === 'string' && k in t ? t[k] : base[k]) }) : base[name];
  }
  return { vscode, recorded };
}

/** Requires the entry with the stand-in and activates it; what was loaded, and the registrations. */
function activateEntry(): { recorded: Recorded; loaded: () => string[] } {
  const { vscode, recorded } = recordingVscode();
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  const packageJSON = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(ENTRY) as { activate(context: unknown): unknown };
  ext.activate({
    subscriptions: [],
    extensionUri: anything(),
    secrets: anything(),
    extension: { packageJSON },
  });
  const loaded = (): string[] => Object.keys(require.cache).map((k) => path.basename(k));
  return { recorded, loaded };
}

describe('the extension entry', () => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;

  test(`dist/extension.js stays under ${ENTRY_MAX_BYTES} bytes`, () => {
    const size = statSync(ENTRY).size;
    assert.ok(size < ENTRY_MAX_BYTES, `dist/extension.js is ${size} bytes`);
  });

  test('activate() registers every contribution and loads neither the workflow host nor the SDK; first use loads the host', () => {
    const { recorded, loaded } = activateEntry();
    assert.deepEqual(
      [...recorded.commands.keys()].sort(),
      manifest.contributes.commands.map((c) => c.command).sort(),
      'commands registered',
    );
    assert.deepEqual(
      recorded.tools,
      manifest.contributes.languageModelTools.map((t) => t.name),
      'tools registered',
    );
    assert.deepEqual(
      [...recorded.views.keys()],
      Object.values(manifest.contributes.views).flatMap((vs) => vs.map((v) => v.id)),
      'views',
    );
    assert.deepEqual(
      recorded.participants,
      manifest.contributes.chatParticipants.map((p) => p.id),
      'chat participants',
    );
    assert.deepEqual(recorded.serializers, ['archflow.preview'], 'webview serializers');
    const atActivation = loaded();
    assert.ok(!atActivation.includes('extension-host.js'), 'activate() loaded dist/extension-host.js');
    assert.ok(!atActivation.includes('anthropic-sdk.js'), 'activate() loaded dist/anthropic-sdk.js');

    // The Workflow view asks for its rows: the host is required then (and still not the SDK).
    recorded.views.get('archflow.progress')?.treeDataProvider.getChildren();
    assert.ok(loaded().includes('extension-host.js'), 'the first getChildren loads dist/extension-host.js');
    assert.ok(!loaded().includes('anthropic-sdk.js'), 'the host loads the SDK only on the first model call');
  });
});
