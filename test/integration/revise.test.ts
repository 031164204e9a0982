/**
 * Revision mode through the CLI against the fake Anthropic server: `resolve` closes an open high
 * finding within two rounds, `revise` answers a comment, and `design` after a one-line PRD edit
 * revises instead of regenerating; ids stay, a hand edit stays, nothing is approved.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseC4File } from '../../src/core/bundle';
import { parseFindingsTable } from '../../src/core/findings';
import { parseRequirementsTable } from '../../src/core/requirements';
import { parseState } from '../../src/core/state';
import { LAYOUT, stepWithBlock } from '../../src/core/steps';
import { OPEN_FINDING_ID } from '../fake-anthropic/answers/revise';
import { fakeServerPerFile } from '../helpers/fakePerFile';
import { listFiles, runCli, prdWorkspace } from '../helpers/cli';
import { STEP_DOCS } from '../helpers/layout';

const fakes = fakeServerPerFile();
const env = fakes.env;

const workspace = (): ReturnType<typeof prdWorkspace> => prdWorkspace('archflow-rev-');

const reviewDoc = stepWithBlock('findings').document;
const inventoryDoc = stepWithBlock('requirements').document;

/** Every id a reviewer cites: requirements, C4 elements, findings, ADR files. */
async function ids(
  out: string,
): Promise<{ requirements: string[]; elements: string[]; findings: string[]; adrs: string[] }> {
  const read = (rel: string): Promise<string> => fs.readFile(path.join(out, rel), 'utf8');
  const model = parseC4File(await read(LAYOUT.c4Model)).model;
  return {
    requirements: parseRequirementsTable(await read(inventoryDoc)).map((r) => r.id),
    elements: [...model.people, ...model.systems, ...model.containers, ...model.components].map((e) => e.id).sort(),
    findings: parseFindingsTable(await read(reviewDoc)).map((f) => f.id),
    adrs: (await listFiles(path.join(out, LAYOUT.adrDir))).filter((f) => f !== 'README.md'),
  };
}

/** What the fake was asked: the steps of revision requests and of full ones. */
function requestKinds(): { revisions: number[]; full: number[] } {
  const revisions: number[] = [];
  const full: number[] = [];
  for (const r of fakes.server.requests) {
    if (r.step === null || r.step === undefined) continue;
    const text = JSON.stringify(r.body ?? '');
    (text.includes('<current-document name=') ? revisions : full).push(r.step);
  }
  return { revisions, full };
}

describe('resolve', () => {
  test('an open high finding is resolved within two rounds: ids unchanged, a hand edit kept, nothing approved', async () => {
    const ws = await workspace();
    // The part that writes the findings (the step is written in section groups, docs/adr/0017).
    fakes.server.setFaults([
      { kind: 'open-finding', step: stepWithBlock('findings').id, part: 'section:Findings', times: 1 },
    ]);
    const first = await runCli(['design', ws.prd, '--out', ws.out], env());
    assert.equal(first.code, 0, first.stderr);
    const failing = await runCli(['check', ws.out], env());
    assert.notEqual(failing.code, 0);
    const findings = parseFindingsTable(await fs.readFile(path.join(ws.out, reviewDoc), 'utf8'));
    const high = findings.find((f) => f.id === OPEN_FINDING_ID);
    assert.equal(high?.status, 'open');
    assert.deepEqual(high?.steps, [3]);
    const before = await ids(ws.out);

    // A hand edit in the service design, which the resolve loop revises.
    const services = path.join(ws.out, STEP_DOCS[2]);
    const text = await fs.readFile(services, 'utf8');
    const edited = text.replace(/^## Summary\n/m, '## Summary\n\nHand edit: the payments team owns this service.\n');
    assert.notEqual(edited, text);
    await fs.writeFile(services, edited);

    fakes.server.reset();
    const r = await runCli(['resolve', ws.out, '--yes'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /verdict PASS after [12] round\(s\); resolved SEC-9; open none; tokens in \d+, out \d+\. Nothing was approved\./,
    );
    const after = await fs.readFile(services, 'utf8');
    assert.match(after, /Hand edit: the payments team owns this service\./);
    assert.match(after, /Control for SEC-9:/);
    const review = parseFindingsTable(await fs.readFile(path.join(ws.out, reviewDoc), 'utf8'));
    const fixed = review.find((f) => f.id === OPEN_FINDING_ID);
    assert.equal(fixed?.status, 'mitigated');
    assert.match(fixed?.evidence ?? '', new RegExp(`^${STEP_DOCS[2].replace('.', '\\.')} › `));
    assert.deepEqual(await ids(ws.out), before);
    // Every request was a revision: nothing was written again from scratch.
    const kinds = requestKinds();
    assert.deepEqual(kinds.full, []);
    assert.ok(kinds.revisions.includes(3) && kinds.revisions.includes(6), JSON.stringify(kinds));
    const state = parseState(await fs.readFile(path.join(ws.out, LAYOUT.state), 'utf8'));
    assert.deepEqual(state.approvals, []);
    assert.equal(state.security?.verdict, 'pass');
    assert.equal((await runCli(['check', ws.out], env())).stdout.includes('Security review'), true);
  });

  test('without --yes the revisions are written beside the documents and the verdict stays', async () => {
    const ws = await workspace();
    // The part that writes the findings (the step is written in section groups, docs/adr/0017).
    fakes.server.setFaults([
      { kind: 'open-finding', step: stepWithBlock('findings').id, part: 'section:Findings', times: 1 },
    ]);
    assert.equal((await runCli(['design', ws.prd, '--out', ws.out], env())).code, 0);
    const services = path.join(ws.out, STEP_DOCS[2]);
    const before = await fs.readFile(services, 'utf8');
    const r = await runCli(['resolve', ws.out], env());
    assert.equal(r.code, 1, r.stderr);
    assert.equal(await fs.readFile(services, 'utf8'), before);
    const beside = await fs.readFile(services.replace(/\.md$/, '.archflow-proposed.md'), 'utf8');
    assert.match(beside, /Control for SEC-9:/);
    assert.match(r.stderr, /proposed revision is in 03-service-architecture\.archflow-proposed\.md/);
    assert.match(r.stderr, /verdict FAIL after 1 round\(s\); resolved none; open SEC-9/);
    assert.match(r.stderr, /run again with --yes/);
  });
});

describe('revise and design', () => {
  test('revise --step sends the comment to that step and revises its downstream', async () => {
    const ws = await workspace();
    assert.equal((await runCli(['design', ws.prd, '--out', ws.out], env())).code, 0);
    fakes.server.reset();
    const r = await runCli(
      ['revise', ws.out, '--step', '3', '--comment', 'Name the owner of the API.', '--yes'],
      env(),
    );
    assert.equal(r.code, 0, r.stderr);
    const kinds = requestKinds();
    assert.deepEqual(kinds.full, []);
    assert.equal(kinds.revisions[0], 3);
    const asked = fakes.server.requests.find((x) => x.step === 3);
    assert.match(JSON.stringify(asked?.body), /Name the owner of the API\./);
    const services = await fs.readFile(path.join(ws.out, STEP_DOCS[2]), 'utf8');
    assert.match(services, /Revised for CLI-1: Name the owner of the API\./);
    assert.match(r.stderr, /revised step 3.*\(the comment was addressed\)/);
  });

  test('design after a one-line PRD edit revises: the request carries the PRD diff, ids stay', async () => {
    const ws = await workspace();
    assert.equal((await runCli(['design', ws.prd, '--out', ws.out], env())).code, 0);
    const before = await ids(ws.out);
    const fullOutput = fakes.server.requests.reduce((n, x) => n + (x.usage?.output_tokens ?? 0), 0);
    const prd = await fs.readFile(ws.prd, 'utf8');
    await fs.writeFile(ws.prd, prd.trimEnd() + '\n\nThe product must also export a monthly CSV report.\n');
    fakes.server.reset();
    const r = await runCli(['design', ws.prd, '--out', ws.out, '--yes'], env());
    assert.equal(r.code, 0, r.stderr);
    const kinds = requestKinds();
    assert.deepEqual(kinds.full, []);
    assert.ok(kinds.revisions.length > 0);
    const first = JSON.stringify(fakes.server.requests.find((x) => x.step === 1)?.body);
    assert.match(first, /PRD diff/);
    assert.match(first, /\+ The product must also export a monthly CSV report\./);
    assert.deepEqual(await ids(ws.out), before);
    // Step 1 sent only the requirement the edit changed (a `changed-items` block), merged by id.
    const inventory = stepWithBlock('requirements').document;
    const kept = JSON.parse(
      await fs.readFile(path.join(ws.out, '.archflow', 'answers', inventory.replace(/\.md$/, '.json')), 'utf8'),
    ) as { answer: string };
    assert.doesNotMatch(kept.answer, /changed-items/);
    const rows = parseRequirementsTable(await fs.readFile(path.join(ws.out, inventory), 'utf8'));
    const changed = rows.filter((r) => /also the product must also export a monthly csv report/.test(r.title));
    assert.equal(changed.length, 1, JSON.stringify(rows.map((r) => r.title)));
    const revisionOutput = fakes.server.requests.reduce((n, x) => n + (x.usage?.output_tokens ?? 0), 0);
    assert.ok(revisionOutput < fullOutput, `${revisionOutput} < ${fullOutput}`);
  });
});
