/**
 * The preview's message contract and host-side builders in plain Node (no browser): the runtime guard
 * on webview messages, relative link resolution, the CSP of the page, and the state built from a
 * bundle (Mermaid directives stripped, element details, approval status).
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { architectureHash } from '../../src/core/approval';
import { emptyState, serializeState } from '../../src/core/state';
import { isSafeRelativePath, resolveDocumentLink } from '../../src/shared/paths';
import { buildPreviewHtml, previewCsp } from '../../src/vscode/preview/html';
import { buildRunProgress, sanitizeMermaidBlocks, unreadablePreviewState } from '../../src/vscode/preview/state';
import { isHostMessage, isWebviewMessage } from '../../src/shared/protocol';
import { largeModel, stateFor, writeModelOnly } from '../browser/fixtures';

test('the guard accepts exactly the messages of the protocol', () => {
  for (const ok of [
    { type: 'ready' },
    { type: 'requestApproval' },
    { type: 'resolveFindings' },
    { type: 'openFile', file: 'ARCHITECTURE.md' },
    { type: 'openFile', file: 'adr/0001-use-postgres.md' },
    { type: 'openFile', file: 'diagrams/c4-container.mmd' },
    { type: 'openFile', file: 'archflow.json' },
    { type: 'reportProblem', message: 'diagrams/c4-context.mmd: Parse error on line 3' },
    { type: 'exportDiagram', file: 'diagrams/c4-context.mmd', format: 'svg', data: '<svg/>' },
    { type: 'exportDiagram', file: 'diagrams/c4-component-shop-api.mmd', format: 'png', data: 'iVBORw0KGgo=' },
  ]) {
    assert.ok(isWebviewMessage(ok), JSON.stringify(ok));
  }
  for (const bad of [
    null,
    'ready',
    [],
    {},
    { type: 'READY' },
    { type: 'ready', extra: 1 },
    { type: 'runCommand', command: 'workbench.action.terminal.new' },
    { type: 'openFile' },
    { type: 'openFile', file: 42 },
    { type: 'openFile', file: '../secrets.md' },
    { type: 'openFile', file: 'adr/../../x.md' },
    { type: 'openFile', file: '/etc/passwd.md' },
    { type: 'openFile', file: 'C:\\Windows\\x.md' },
    { type: 'openFile', file: 'C:x.md' },
    { type: 'openFile', file: 'adr\\0001.md' },
    { type: 'openFile', file: './ARCHITECTURE.md' },
    { type: 'openFile', file: 'adr//x.md' },
    { type: 'openFile', file: 'x.md\u0000.png' },
    { type: 'openFile', file: 'file:///etc/passwd.md' },
    { type: 'openFile', file: '.vscode/settings.json.exe' },
    { type: 'openFile', file: 'tool.sh' },
    { type: 'openFile', file: `${'a/'.repeat(130)}x.md` },
    { type: 'openFile', file: 'ARCHITECTURE.md', command: 'x' },
    { type: 'reportProblem', message: '' },
    { type: 'reportProblem', message: 'x'.repeat(2001) },
    { type: 'requestApproval', name: 'Mallory' },
    { type: 'resolveFindings', rounds: 99 },
    // Exports land only beside a view's .mmd file, in a format we write, with bounded data.
    { type: 'exportDiagram', file: 'ARCHITECTURE.md', format: 'svg', data: 'x' },
    { type: 'exportDiagram', file: 'diagrams/../archflow.mmd', format: 'svg', data: 'x' },
    { type: 'exportDiagram', file: 'diagrams/sub/c4-context.mmd', format: 'svg', data: 'x' },
    { type: 'exportDiagram', file: 'diagrams/c4-context.mmd', format: 'html', data: 'x' },
    { type: 'exportDiagram', file: 'diagrams/c4-context.mmd', format: 'svg', data: '' },
    { type: 'exportDiagram', file: 'diagrams/c4-context.mmd', format: 'svg', data: 'x', path: '/tmp/x' },
  ]) {
    assert.equal(isWebviewMessage(bad), false, JSON.stringify(bad).slice(0, 120));
  }
});

test('document links resolve inside the output folder only', () => {
  assert.equal(resolveDocumentLink('ARCHITECTURE.md', 'adr/0001-x.md'), 'adr/0001-x.md');
  assert.equal(resolveDocumentLink('adr/0002-y.md', '0001-x.md'), 'adr/0001-x.md');
  assert.equal(resolveDocumentLink('adr/README.md', '../ARCHITECTURE.md#summary'), 'ARCHITECTURE.md');
  assert.equal(
    resolveDocumentLink('ARCHITECTURE.md', './03-service-architecture.md?x=1'),
    '03-service-architecture.md',
  );
  assert.equal(resolveDocumentLink('ARCHITECTURE.md', 'adr/0001%20x.md'), 'adr/0001 x.md');
  for (const href of [
    '../PRD.md',
    'adr/../../x.md',
    '/etc/passwd.md',
    '//evil.example/x.md',
    'https://example.com/x.md',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,x',
    'command:workbench.action.terminal.new',
    'vscode://file/etc/passwd',
    '#section',
    '',
    'image.png',
    '%E0%A4%A.md',
  ]) {
    assert.equal(resolveDocumentLink('ARCHITECTURE.md', href), undefined, href);
  }
  assert.equal(isSafeRelativePath('diagrams/c4-model.json'), true);
});

test('the page: strict CSP by nonce, no remote source, our two files only', () => {
  const nonce = 'AbCdEfGhIjKlMnOpQrStUv==';
  const csp = previewCsp(nonce, 'https://*.vscode-cdn.net');
  assert.equal(
    csp,
    "default-src 'none'; script-src 'nonce-AbCdEfGhIjKlMnOpQrStUv=='; style-src https://*.vscode-cdn.net 'unsafe-inline'; img-src https://*.vscode-cdn.net data:; font-src https://*.vscode-cdn.net data:",
  );
  assert.ok(!csp.includes('unsafe-eval'));
  const html = buildPreviewHtml({
    nonce,
    cspSource: 'https://*.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/preview.css',
  });
  assert.equal(html.match(/<script\b/g)?.length, 1);
  assert.ok(
    html.includes(`<script nonce="${nonce}" src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js">`),
  );
  assert.ok(!/\bon[a-z]+=/.test(html), 'no inline event handlers');
  assert.throws(() => buildPreviewHtml({ nonce: 'short', cspSource: 'x', scriptUri: 'a', styleUri: 'b' }));
  assert.throws(() =>
    buildPreviewHtml({ nonce, cspSource: "x; script-src 'unsafe-inline'", scriptUri: 'a', styleUri: 'b' }),
  );
});

test('mermaid blocks of documents lose their init directives, other text is kept', () => {
  const doc = [
    '# Title',
    'Prose mentions %%{init}%% literally.',
    '```mermaid',
    '%%{init: {"securityLevel": "loose"}}%%',
    'flowchart LR',
    '  A --> B',
    '```',
    '```js',
    'const x = "%%{init: {}}%%";',
    '```',
  ].join('\n');
  const out = sanitizeMermaidBlocks(doc);
  assert.ok(!out.includes('"securityLevel"'));
  assert.ok(out.includes('flowchart LR\n  A --> B'));
  assert.ok(out.includes('Prose mentions %%{init}%% literally.'));
  assert.ok(out.includes('const x = "%%{init: {}}%%";'));
});

test('the state of a large model: every view, element details, no directive', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-preview-state-'));
  try {
    await writeModelOnly(dir, largeModel());
    const { state } = await stateFor(dir);
    assert.deepEqual(
      state.diagrams.map((d) => d.level),
      [1, 2, 3, 3, 3, 3, 3, 3, 3, 3],
    );
    assert.ok(state.diagrams.every((d) => !d.mermaid.includes('%%{')));
    assert.ok(Object.keys(state.elements).length >= 100);
    const shop = state.elements.shop;
    assert.equal(shop.kind, 'system');
    assert.deepEqual(shop.requirements, ['FR-1', 'NFR-1'], 'requirement ids in the description are linked');
    const repo = state.elements.orderRepository;
    assert.equal(repo.parent, 'orderService');
    assert.equal(repo.technology, 'Kotlin');
    const container = state.diagrams.find((d) => d.level === 2)!;
    assert.ok(
      container.view.boundaries.some((b) => b.id === 'shop' && b.name === 'Web Shop'),
      'boundaries are selectable too',
    );
    assert.equal(state.approval.status, 'none');
    assert.equal(state.approval.canApprove, false, 'nothing to approve without ARCHITECTURE.md');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('an approval is void once ARCHITECTURE.md changes, and the panel says so', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-preview-approval-'));
  try {
    const doc = '# Architecture\n';
    await fs.writeFile(path.join(dir, 'ARCHITECTURE.md'), doc);
    const state = emptyState();
    state.approvals.push({
      name: 'Ada',
      role: 'CTO',
      date: '2026-11-20T10:00:00.000Z',
      documentHash: architectureHash(doc),
    });
    await fs.writeFile(path.join(dir, 'archflow.json'), serializeState(state));
    assert.equal((await stateFor(dir)).state.approval.status, 'valid');
    await fs.appendFile(path.join(dir, 'ARCHITECTURE.md'), 'One more line.\n');
    const after = (await stateFor(dir)).state.approval;
    assert.equal(after.status, 'void');
    assert.match(after.message, /changed after Ada \(CTO\) approved it/);
    assert.equal(after.latest?.name, 'Ada');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a broken archflow.json gives a state that says why; progress deltas are small', () => {
  const s = unreadablePreviewState('docs/architecture', 'archflow.json is not valid JSON');
  assert.deepEqual(s.problems, ['archflow.json is not valid JSON']);
  assert.equal(s.steps.length, 8);
  const p = buildRunProgress([{ id: 3, status: 'running', files: [] }], true);
  assert.deepEqual(p, { type: 'runProgress', running: true, steps: [{ id: 3, status: 'running' }] });
  assert.ok(isHostMessage(p));
  assert.ok(isHostMessage({ type: 'state', state: s }));
  assert.equal(isHostMessage({ type: 'state' }), false);
});
