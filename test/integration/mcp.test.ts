/**
 * `archflow mcp` as MCP clients see it: the SDK's own client spawns dist/cli.js over stdio, lists the
 * tools and calls them on a bundle the CLI designed against the fake Anthropic server, and runs a step
 * through the run tool. stdout must carry the protocol only.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { parseFindingsTable } from '../../src/core/findings';
import { ARCHFLOW_TOOLS } from '../../src/core/tools/index';
import { type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server';
import { FAST_RETRY_ENV, runCli, tempDir } from '../helpers/cli';
import { cliPath, samplePrd } from '../helpers/paths';

const KEY = 'sk-ant-mcp-test-key-0123456789';

interface Connection {
  client: Client;
  stderr: () => string;
  errors: Error[];
  close: () => Promise<void>;
}

interface TextResult {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** Starts `archflow mcp` in `cwd` and connects the SDK's client to it. */
async function connect(cwd: string, args: string[], env: Record<string, string>): Promise<Connection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cliPath, 'mcp', ...args],
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'archflow-test', version: '1.0.0' });
  const errors: Error[] = [];
  client.onerror = (err) => errors.push(err);
  await client.connect(transport);
  return { client, stderr: () => stderr, errors, close: () => client.close() };
}

function textOf(result: TextResult): string {
  return result.content.map((c) => (c.type === 'text' ? (c.text ?? '') : '')).join('\n');
}

describe('archflow mcp over stdio', { timeout: 120_000 }, () => {
  let fake: FakeAnthropic;
  let ws: string;
  let out: string;
  let prd: string;
  let mcp: Connection;

  before(async () => {
    fake = await startFakeAnthropic({ port: 0 });
    ws = await tempDir('archflow-mcp-');
    prd = path.join(ws, 'PRD.md');
    out = path.join(ws, 'docs', 'architecture');
    await fs.copyFile(samplePrd('english'), prd);
    const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url, ...FAST_RETRY_ENV };
    const design = await runCli(['design', prd, '--out', out], env);
    assert.equal(design.code, 0, design.stderr);
    mcp = await connect(ws, ['--dir', out], { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
  });

  after(async () => {
    await mcp?.close();
    await fake?.close();
    if (ws) await fs.rm(ws, { recursive: true, force: true });
  });

  test('lists the five tools with the shared schemas and read-only hints', async () => {
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ARCHFLOW_TOOLS.map((t) => t.name),
    );
    for (const t of tools) {
      const def = ARCHFLOW_TOOLS.find((d) => d.name === t.name)!;
      assert.deepEqual(t.inputSchema, def.inputSchema, `${t.name}: the schema package.json declares too`);
      assert.equal(t.description, def.description);
      assert.equal(t.annotations?.readOnlyHint, !def.writes, `${t.name}: readOnlyHint`);
    }
    const info = mcp.client.getServerVersion();
    assert.equal(info?.name, 'archflow');
    assert.match(mcp.client.getInstructions() ?? '', /output folder .*docs\/architecture/);
  });

  test('the criteria report on the bundle agrees with `archflow check`', async () => {
    const result = (await mcp.client.callTool({ name: 'archflow_check_exit_criteria', arguments: {} })) as TextResult;
    assert.notEqual(result.isError, true);
    const text = textOf(result);
    assert.match(text, /: 4 of 5 met\./);
    assert.match(text, /^✖ Stakeholder approval obtained: not met$/m);
    assert.match(text, /^ {4}evidence: Level 1: .* — diagrams\/c4-context\.mmd$/m);
    assert.match(text, /^ {4}evidence: NFR-\d+ \(\w+\) is traced by /m);

    const check = await runCli(['check', out, '--json'], {});
    const cli = JSON.parse(check.stdout) as { criteria: { id: string; met: boolean; reasons: string[] }[] };
    const data = result.structuredContent as {
      criteria: { id: string; met: boolean; reasons: string[]; evidence: string[] }[];
    };
    assert.deepEqual(
      data.criteria.map((c) => [c.id, c.met, c.reasons]),
      cli.criteria.map((c) => [c.id, c.met, c.reasons]),
    );
    const adrs = data.criteria.find((c) => c.id === 'adrs')!;
    const files = (await fs.readdir(path.join(out, 'adr'))).filter((f) => /^\d{4}-/.test(f));
    assert.equal(adrs.evidence.length, files.length, 'one evidence line per ADR file');
  });

  test('a view is the text of its .mmd file; the open findings are the document’s', async () => {
    const view = (await mcp.client.callTool({
      name: 'archflow_get_c4_model',
      arguments: { view: 'context' },
    })) as TextResult;
    const mmd = (await fs.readFile(path.join(out, 'diagrams', 'c4-context.mmd'), 'utf8')).trim();
    assert.ok(textOf(view).includes('```mermaid\n' + mmd + '\n```'), textOf(view).slice(0, 300));

    const findings = (await mcp.client.callTool({ name: 'archflow_list_open_findings', arguments: {} })) as TextResult;
    const doc = await fs.readFile(path.join(out, '06-security-architecture.md'), 'utf8');
    const open = parseFindingsTable(doc).filter((f) => f.status === 'open');
    const listed = (findings.structuredContent as { findings: { id: string }[] }).findings.map((f) => f.id);
    assert.deepEqual([...listed].sort(), open.map((f) => f.id).sort());
    for (const f of open) assert.match(textOf(findings), new RegExp(`^- ${f.id} \\[${f.severity}\\]`, 'm'));
  });

  test('paths outside the output folder and the working folder are refused', async () => {
    const view = (await mcp.client.callTool({
      name: 'archflow_get_c4_model',
      arguments: { view: '../../PRD.md' },
    })) as TextResult;
    assert.equal(view.isError, true);
    assert.match(textOf(view), /"\.\.\/\.\.\/PRD\.md" is outside the output folder/);
    const before = fake.requests.length;
    const run = (await mcp.client.callTool({
      name: 'archflow_run_workflow',
      arguments: { prd: path.join(path.dirname(ws), 'someone-elses.md') },
    })) as TextResult;
    assert.equal(run.isError, true);
    assert.match(textOf(run), /The PRD ".*someone-elses\.md" is outside the MCP server's working folder/);
    assert.equal(fake.requests.length, before, 'nothing was sent to the model');
  });

  test('the run tool runs one step with the environment’s key, reporting progress', async () => {
    const before = fake.requests.length;
    const progress: string[] = [];
    const result = (await mcp.client.callTool({ name: 'archflow_run_workflow', arguments: { steps: [7] } }, undefined, {
      onprogress: (p) => progress.push(p.message ?? ''),
    })) as TextResult;
    const text = textOf(result);
    assert.notEqual(result.isError, true, text);
    assert.deepEqual(
      fake.requests.slice(before).map((r) => r.step),
      [7],
      'one model call, for step 7',
    );
    assert.match(text, /: 1 step done\./);
    assert.match(text, /Files written or updated: 07-observability-design\.md\./);
    assert.match(text, /Exit criteria now: 4 of 5 met\./);
    assert.ok(
      progress.some((m) => m.startsWith('✔ Step 7 — Observability')),
      progress.join(' | '),
    );
    assert.match(mcp.stderr(), /archflow mcp: ▶ Step 7 — Observability/);
    assert.doesNotMatch(text + JSON.stringify(result.structuredContent), new RegExp(KEY));
    assert.doesNotMatch(mcp.stderr(), new RegExp(KEY));
    assert.deepEqual(mcp.errors, [], 'stdout carried only protocol messages');
  });

  test('without ANTHROPIC_API_KEY the run tool says what to set and the read tools still work', async () => {
    const bare = await connect(ws, ['--dir', out], {});
    try {
      const run = (await bare.client.callTool({ name: 'archflow_run_workflow', arguments: {} })) as TextResult;
      assert.equal(run.isError, true);
      assert.match(
        textOf(run),
        /^Archflow did not run: ANTHROPIC_API_KEY is not set in the Archflow MCP server's environment/,
      );
      const status = (await bare.client.callTool({ name: 'archflow_get_status', arguments: {} })) as TextResult;
      assert.equal((status.structuredContent as { counts: { done: number } }).counts.done, 8);
    } finally {
      await bare.close();
    }
  });

  test('a --dir that is a file is a usage error', async () => {
    const r = await runCli(['mcp', '--dir', prd], {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--dir .*PRD\.md is a file/);
    assert.equal(r.stdout, '');
  });
});
