/**
 * Reliability through the CLI and the real SDK: the key never lands anywhere even when the endpoint
 * echoes it in every error shape; nothing outside the output folder is read (a symlinked step
 * document never reaches a request body); a killed run's temp files are removed by the next run;
 * system errors are explained; UTF-16 PRDs are read; a hand-edited C4 model that does not parse
 * stops the steps that build on it and deletes nothing.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fsProblem } from '../../src/core/fsError';
import { redactSecrets } from '../../src/core/redact';
import { parseState } from '../../src/core/state';
import { LAYOUT, STEPS, STEP_IDS } from '../../src/core/steps';
import { type FakeAnthropic, type FaultRule, startFakeAnthropic } from '../fake-anthropic/server';
import { FAST_RETRY_ENV, listFiles, runCli, prdWorkspace } from '../helpers/cli';
import { samplePrd } from '../helpers/paths';

const KEY = 'sk-ant-api03-ECHOED-secret-key-0123456789';

let fake: FakeAnthropic;
let echo: FakeAnthropic;
before(async () => {
  fake = await startFakeAnthropic({ port: 0 });
  echo = await startFakeAnthropic({ port: 0, echoKey: true, validKeys: [KEY] });
});
after(async () => {
  await fake.close();
  await echo.close();
});
beforeEach(() => {
  fake.reset();
  echo.reset();
});

function env(server = fake, key = KEY): Record<string, string> {
  return { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: server.url, ...FAST_RETRY_ENV };
}

const workspace = (): ReturnType<typeof prdWorkspace> => prdWorkspace('archflow-rel-');

/** Every text file under `dir`, concatenated (what Archflow stored). */
async function everythingStored(dir: string): Promise<string> {
  const texts = await Promise.all((await listFiles(dir)).map((rel) => fs.readFile(path.join(dir, rel), 'utf8')));
  return texts.join('\n');
}

describe('the key never lands anywhere', () => {
  test('redactSecrets removes the registered key, key-like strings and authorization headers', () => {
    const text = `401 ${KEY} {"x-api-key": "abc123456789"} Authorization: Bearer tok_1234567890abcdef api_key=zz12zzzzzzzz sk-proj-ABCDEFGHIJKLMNOPQRST`;
    const out = redactSecrets(text, KEY);
    for (const secret of [
      KEY,
      'abc123456789',
      'tok_1234567890abcdef',
      'zz12zzzzzzzz',
      'sk-proj-ABCDEFGHIJKLMNOPQRST',
    ]) {
      assert.ok(!out.includes(secret), `${secret} is gone: ${out}`);
    }
    assert.match(out, /x-api-key": "\[redacted\]/);
    assert.equal(
      redactSecrets('Step 6 — Security Review: the secrets manager rotates keys.'),
      'Step 6 — Security Review: the secrets manager rotates keys.',
    );
  });

  test('the hostile endpoint does echo the key (so the tests below can fail)', async () => {
    const res = await fetch(`${echo.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': `${KEY}-wrong`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 401);
    assert.ok((await res.text()).includes(`Bearer ${KEY}-wrong`));
    assert.ok(res.headers.get('request-id')?.includes(KEY));
  });

  const shapes: { name: string; faults: FaultRule[]; key?: string }[] = [
    { name: '401 (a key the endpoint refuses)', faults: [], key: `${KEY}-wrong` },
    { name: '403', faults: [{ kind: 'status', status: 403 }] },
    { name: '429 with retry-after', faults: [{ kind: 'status', status: 429, retryAfter: 0 }] },
    { name: '500', faults: [{ kind: 'status', status: 500 }] },
    { name: '529', faults: [{ kind: 'status', status: 529 }] },
    { name: 'an SSE error event', faults: [{ kind: 'sse-error' }] },
  ];
  for (const shape of shapes) {
    test(`an endpoint that echoes the key in a ${shape.name} body: not in stderr, stdout, archflow.json or any file`, async () => {
      const ws = await workspace();
      echo.setFaults(shape.faults);
      const key = shape.key ?? KEY;
      const r = await runCli(['design', ws.prd, '--out', ws.out, '--steps', '1', '--verbose'], env(echo, key));
      assert.equal(r.code, 1, r.stderr);
      assert.ok(echo.requests.length > 0, 'the endpoint was called');
      const stored = await everythingStored(ws.out);
      for (const where of [r.stderr, r.stdout, stored]) {
        assert.ok(!where.includes(key), `the key leaked: ${where.slice(0, 2000)}`);
        assert.ok(!where.includes(KEY.slice(8)), 'no part of the key is left either');
        assert.doesNotMatch(where, /Bearer (?!\[redacted\])\S/);
      }
      // The failure is still explained and recorded (without the key).
      const state = parseState(await fs.readFile(path.join(ws.out, 'archflow.json'), 'utf8'));
      assert.match(state.steps[STEP_IDS[0]!]?.error ?? '', /\[redacted\]/);
    });
  }

  test('the status command and check print no key from a stored error either', async () => {
    const ws = await workspace();
    echo.setFaults([{ kind: 'status', status: 500 }]);
    await runCli(['design', ws.prd, '--out', ws.out, '--steps', '1'], env(echo));
    for (const cmd of [
      ['status', ws.out],
      ['status', ws.out, '--json'],
      ['check', ws.out],
    ]) {
      const r = await runCli(cmd, env(echo));
      assert.ok(!(r.stdout + r.stderr).includes(KEY), cmd.join(' '));
    }
  });
});

describe('nothing outside the output folder is read', () => {
  test('a step document that is a symlink to a file elsewhere: refused naming the link, its text never reaches a request', async () => {
    const ws = await workspace();
    const first = await runCli(['design', ws.prd, '--out', ws.out, '--steps', '1,2'], env());
    assert.equal(first.code, 0, first.stderr);
    const outside = path.join(ws.dir, 'elsewhere.md');
    const marker = 'OUTSIDE-MARKER-7f3a9 confidential text that must never be sent';
    await fs.writeFile(outside, `# Secret\n\n${marker}\n`);
    const doc = path.join(ws.out, STEPS[1]!.document);
    await fs.rm(doc);
    await fs.symlink(outside, doc);
    fake.reset();
    const r = await runCli(['design', ws.prd, '--out', ws.out], env());
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      new RegExp(
        `Refusing to read "${STEPS[1]!.document}": it is a symbolic link \\(to ${outside.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`,
      ),
    );
    for (const req of fake.requests)
      assert.ok(!JSON.stringify(req.body).includes(marker), `request ${req.id} carries the outside text`);
    assert.equal(await fs.readFile(outside, 'utf8'), `# Secret\n\n${marker}\n`, 'the target is untouched');
    // status and check refuse the link too, rather than read it.
    const status = await runCli(['status', ws.out], env());
    assert.ok(!status.stdout.includes(marker) && !status.stderr.includes(marker));
  });

  test('a linked diagrams folder that leaves the output folder: the C4 model behind it is not read', async () => {
    const ws = await workspace();
    const first = await runCli(['design', ws.prd, '--out', ws.out, '--steps', '1,2'], env());
    assert.equal(first.code, 0, first.stderr);
    const elsewhere = path.join(ws.dir, 'other-diagrams');
    await fs.rename(path.join(ws.out, 'diagrams'), elsewhere);
    await fs.symlink(elsewhere, path.join(ws.out, 'diagrams'));
    fake.reset();
    const r = await runCli(['design', ws.prd, '--out', ws.out, '--steps', '3'], env());
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /the folder diagrams is a symbolic link/);
    assert.equal(fake.requests.length, 0, 'no request was sent');
  });
});

describe('no leftovers, explained system errors, readable PRDs', () => {
  test('temp files a killed run left (ours only) are removed by the next run', async () => {
    const ws = await workspace();
    await fs.mkdir(path.join(ws.out, 'diagrams'), { recursive: true });
    const ours = [
      '.archflow.json.0123456789ab.tmp',
      'diagrams/.c4-model.json.a1b2c3d4e5f6.tmp',
      '.archflow.lock.deadbeef0001.tmp',
    ];
    const theirs = ['notes.tmp', '.my-editor.swp', 'diagrams/.draft.tmp'];
    for (const f of [...ours, ...theirs]) await fs.writeFile(path.join(ws.out, f), 'x');
    const r = await runCli(['design', ws.prd, '--out', ws.out, '--steps', '1'], env());
    assert.equal(r.code, 0, r.stderr);
    const files = await listFiles(ws.out);
    for (const f of ours) assert.ok(!files.includes(f), `${f} was removed`);
    for (const f of theirs) assert.ok(files.includes(f), `${f} (not ours) was kept`);
  });

  test('--out is a file, or under a file: named, in words, with what to do', async () => {
    const ws = await workspace();
    const file = path.join(ws.dir, 'out-file');
    await fs.writeFile(file, 'not a folder');
    const r = await runCli(['design', ws.prd, '--out', file], env());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The output folder .*out-file is a file, not a folder\. .*Give --out the path of a folder/);
    assert.doesNotMatch(r.stderr, /EEXIST|ENOTDIR/);
    const under = await runCli(['design', ws.prd, '--out', path.join(file, 'sub')], env());
    assert.equal(under.code, 1);
    assert.match(under.stderr, /Cannot create .*out-file\/sub: a part of its path is a file, not a folder/);
    assert.doesNotMatch(under.stderr, /ENOTDIR/);
  });

  test('a step document that is a folder: named, in words', async () => {
    const ws = await workspace();
    await fs.mkdir(path.join(ws.out, STEPS[0]!.document), { recursive: true });
    const r = await runCli(['design', ws.prd, '--out', ws.out, '--steps', '1'], env());
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`${STEPS[0]!.document}.*(it is a folder where Archflow expects a file|a folder of that name exists)`),
    );
    assert.doesNotMatch(r.stderr, /EISDIR/);
  });

  test('each system code is worded: file, what went wrong, what to do; the raw code only for the log', () => {
    const cases: [string, RegExp][] = [
      ['EROFS', /read-only.*writable/],
      ['ENOSPC', /disk is full.*Free some space/],
      ['EACCES', /permission denied.*write access/],
      ['EPERM', /permission denied/],
      ['ENOTDIR', /not a folder/],
      ['EISDIR', /is a folder where Archflow expects a file/],
      ['EEXIST', /in the way/],
      ['EMFILE', /too many files are open/],
    ];
    for (const [code, words] of cases) {
      const err = Object.assign(new Error(`${code}: raw message, open '/x/archflow.json'`), { code });
      const p = fsProblem(err, '/x/archflow.json', 'write') as Error & { logText: string };
      assert.match(p.message, /^Cannot write \/x\/archflow\.json: /);
      assert.match(p.message, words);
      assert.ok(!p.message.includes(code), `${code} is not in the message`);
      assert.match(p.logText, new RegExp(code));
    }
  });

  test('a UTF-16 PRD with a BOM is read; a binary file is named so', async () => {
    const ws = await workspace();
    const text = await fs.readFile(samplePrd('english'), 'utf8');
    for (const [name, bytes] of [
      ['le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['be', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ] as const) {
      const prd = path.join(ws.dir, `PRD-${name}.md`);
      await fs.writeFile(prd, bytes);
      const out = path.join(ws.dir, `out-${name}`);
      fake.reset();
      const r = await runCli(['design', prd, '--out', out, '--steps', '1'], env());
      assert.equal(r.code, 0, r.stderr);
      const body = JSON.stringify(fake.requests[0]!.body);
      assert.ok(
        body.includes(JSON.stringify(text.split('\n')[0]).slice(1, -1)),
        'the PRD text reached the model decoded',
      );
    }
    const bin = path.join(ws.dir, 'image.md');
    await fs.writeFile(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3]));
    const r = await runCli(['design', bin, '--out', path.join(ws.dir, 'out-bin')], env());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /image\.md is a binary file/);
  });
});

describe('a hand-edited C4 model that does not parse', () => {
  test('design --steps 4 reports the file, the line and what is wrong, stops, and deletes no diagram', async () => {
    const ws = await workspace();
    const first = await runCli(['design', ws.prd, '--out', ws.out], env());
    assert.equal(first.code, 0, first.stderr);
    const modelFile = path.join(ws.out, LAYOUT.c4Model);
    const model = JSON.parse(await fs.readFile(modelFile, 'utf8')) as { containers: { id: string }[] };
    const badId = 'not a valid id';
    model.containers[0]!.id = badId;
    const edited = JSON.stringify(model, null, 2);
    await fs.writeFile(modelFile, edited);
    const line = edited.split('\n').findIndex((l) => l.includes(JSON.stringify(badId))) + 1;
    const before = await listFiles(ws.out);
    const diagrams = before.filter((f) => f.endsWith('.mmd'));
    assert.ok(
      diagrams.some((f) => f.startsWith(LAYOUT.c4ComponentPrefix)),
      'there are level-3 diagrams to keep',
    );
    fake.reset();
    const r = await runCli(['design', ws.prd, '--out', ws.out, '--steps', '4'], env());
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `${LAYOUT.c4Model} was edited and no longer parses \\(line ${line}: container #1: id "${badId}" is not valid`,
      ),
    );
    assert.match(r.stderr, /did not run and nothing was changed/);
    assert.equal(fake.requests.length, 0, 'no model call for a step that builds on a broken model');
    assert.deepEqual(await listFiles(ws.out), before, 'no file was removed or added');
    assert.equal(await fs.readFile(modelFile, 'utf8'), edited, 'the edit is kept');
    // A syntax error names its line too.
    await fs.writeFile(modelFile, edited.replace('"people"', 'people'));
    const syntax = await runCli(['design', ws.prd, '--out', ws.out, '--steps', '4'], env());
    assert.equal(syntax.code, 1);
    assert.match(syntax.stderr, /no longer parses \(.*not valid JSON.*at line \d+/);
    assert.deepEqual(await listFiles(ws.out), before);
    void STEP_IDS;
  });
});
