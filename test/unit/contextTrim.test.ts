import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DIGEST_NOTE,
  digestOf,
  layoutContext,
  layoutWithChain,
  modelParts,
  restAfterDigest,
  wholeInChain,
  withoutDrawnViews,
  withoutSummary,
} from '../../src/core/contextTrim';
import { FilePromptSource, buildStepRequest, type ContextDocument } from '../../src/core/prompts';
import { LAYOUT, STEPS, type StepId } from '../../src/core/steps';
import { promptsDir } from '../helpers/paths';

const model = (deployment: boolean): string =>
  JSON.stringify(
    {
      people: [{ id: 'user', name: 'User', description: 'Buys', external: true }],
      systems: [{ id: 'shop', name: 'Shop', description: 'Sells', external: false }],
      containers: [
        { id: 'api', system: 'shop', name: 'API', technology: 'Node', description: 'Serves', kind: 'service' },
      ],
      components: [],
      relationships: [
        { from: 'user', to: 'shop', description: 'Buys from', technology: 'HTTPS' },
        { from: 'user', to: 'api', description: 'Calls', technology: 'HTTPS' },
      ],
      ...(deployment
        ? { deployment: { environments: [], nodes: [], infrastructure: [], deployments: [], relationships: [] } }
        : {}),
    },
    null,
    2,
  );

const doc = (n: number): ContextDocument => ({
  name: `0${n}.md`,
  step: n as StepId,
  text: `# Doc ${n}\n\n## Summary\n\nText ${n}.\n\n\`\`\`mermaid\nC4Container\n  title x\n\`\`\`\n\n\`\`\`mermaid\nsequenceDiagram\n  a->>b: hi\n\`\`\`\n`,
});

const upstreamOf = (step: StepId, withDeployment: boolean): ContextDocument[] => [
  ...STEPS.find((s) => s.id === step)!.needs.map(doc),
  { name: LAYOUT.c4Model, text: model(withDeployment) },
];

test('the views code drew are left out with a note; the model’s own diagrams stay', () => {
  const out = withoutDrawnViews(doc(3).text);
  assert.doesNotMatch(out, /C4Container/);
  assert.match(out, /_\(The container diagram, drawn by code from `diagrams\/c4-model\.json`\.\)_/);
  assert.match(out, /sequenceDiagram/);
});

test('a document another step only refers to is sent as its digest: title, summary, headings and the rows that define ids', () => {
  const summary = ['## Summary', '', 'We choose X because NFR-2 needs it.'];
  const inventory = ['## Requirement Inventory', '', '| ID | Requirement |', '|---|---|', '| FR-1 | Sell socks |'];
  const text = [
    '# Doc 1',
    '',
    ...summary,
    '',
    inventory[0],
    '',
    'Derived from the PRD, narrated at length.',
    '',
    ...inventory.slice(2),
    '| NFR-2 | p95 < 200 ms |',
    '',
    '| Option | Why rejected |',
    '|---|---|',
    '| Y | slower, see NFR-2 |',
    '',
    '```mermaid',
    'flowchart LR',
    '  A-1 --> B',
    '```',
    '',
    '## Assumptions',
    '',
    '- **A-1** Users have phones.',
    '- Another point, citing A-1.',
    '',
  ].join('\n');
  const digest = digestOf(text);
  // The title and its note, the summary, the headings, the id rows under their header; no prose.
  assert.equal(
    digest,
    [
      '# Doc 1',
      '',
      DIGEST_NOTE,
      '',
      ...summary,
      '',
      ...inventory,
      '| NFR-2 | p95 < 200 ms |',
      '',
      '## Assumptions',
      '',
      '- **A-1** Users have phones.',
      '',
    ].join('\n'),
  );
  // The rest, for a step that builds on it: everything else, each line once; a note where the id rows were.
  const rest = restAfterDigest(text);
  assert.doesNotMatch(rest, /## Summary|We choose X|\| FR-1 \||A-1\*\* Users/);
  assert.match(
    rest,
    /Derived from the PRD[\s\S]*\| ID \| Requirement \|\n\|---\|---\|\n_\(Rows that define ids: in the digest above\.\)_/,
  );
  assert.match(rest, /\| Y \| slower, see NFR-2 \|/);
  assert.match(rest, /flowchart LR\n {2}A-1 --> B/);
  assert.match(rest, /- Another point, citing A-1\./);
  const lines = (t: string): string[] =>
    t.split('\n').filter((l) => l.trim() && !l.startsWith('#') && !l.startsWith('_('));
  const tableHeads = ['| ID | Requirement |', '|---|---|'];
  assert.deepEqual(
    [...lines(digest), ...lines(rest)].filter((l) => !tableHeads.includes(l)).sort(),
    lines(text)
      .filter((l) => !tableHeads.includes(l))
      .sort(),
    'digest and rest are the document, each line once (but the headings and a table head)',
  );
});

test('step 2 builds on step 1: its digest in the chain, then the rest; the step’s own previous document is whole', () => {
  const text = '# Doc 1\n\n## Summary\n\nIn short.\n\n## Business Goals and Drivers\n\nGoals.\n';
  const [digest, other] = layoutContext(2, [{ name: '01.md', step: 1, text }]);
  assert.equal(digest.part, 'digest');
  assert.match(digest.text, /## Summary\n\nIn short\./);
  assert.equal(other.part, undefined);
  assert.equal(other.text, '# Doc 1\n\n## Business Goals and Drivers\n\nGoals.\n');
  const [own] = layoutContext(1, [{ name: '01.md', step: 1, text }]);
  assert.equal(own.text, text);
  // Step 8's document starts with no summary: nothing is cut.
  assert.equal(
    withoutSummary(8, '## Problem\n\nP.\n\n## Chosen Architecture\n\nC.\n'),
    '## Problem\n\nP.\n\n## Chosen Architecture\n\nC.\n',
  );
});

test('the model is split into level 1, levels 2-3 and deployment, compact, nothing lost', () => {
  const parts = modelParts(model(true))!;
  assert.deepEqual(
    parts.map((p) => p.after),
    [2, 3, 5],
  );
  const merged = parts.flatMap((p) => (p.value.relationships as unknown[] | undefined) ?? []);
  assert.equal(merged.length, 2);
  assert.equal(modelParts('{ not json'), undefined);
  assert.equal(modelParts(JSON.stringify({ people: [], extra: 1 })), undefined);
});

test('the chain: each document whole when two steps build on it, else its digest; each model part after its step; then the rest of what the step alone builds on', () => {
  const names = (step: StepId, dep: boolean): string[] =>
    layoutContext(step, upstreamOf(step, dep)).map((d) =>
      d.name === LAYOUT.c4Model ? `model:${d.part!.split(':')[0]}` : d.part ? `${d.name}:${d.part}` : d.name,
    );
  // The step table: 3, 4 and 5 are built on by two steps or more; 1, 2, 6 and 7 by one.
  assert.deepEqual(
    STEPS.filter((s) => s.id < 8 && wholeInChain(s.id)).map((s) => s.id),
    [3, 4, 5],
  );
  assert.deepEqual(names(4, false), ['01.md:digest', '02.md:digest', 'model:level 1', '03.md', 'model:levels 2 and 3']);
  assert.deepEqual(names(7, true), [
    '01.md:digest',
    '02.md:digest',
    'model:level 1',
    '03.md',
    'model:levels 2 and 3',
    '04.md',
    '05.md',
    'model:deployment',
    '06.md:digest',
    '06.md',
  ]);
  // Step 3 on a re-run: its own part (from its last run) goes at the end, after the rest of 02.
  assert.deepEqual(names(3, false), ['01.md:digest', '02.md:digest', 'model:level 1', '02.md', 'model:levels 2 and 3']);
  // A model file that cannot be split is sent whole, last.
  const broken = layoutContext(4, [doc(1), { name: LAYOUT.c4Model, text: '{ broken' }]);
  assert.equal(broken.at(-1)!.text, '{ broken');
});

test('requests of consecutive steps share their chain of digests, so each reads the last one’s from the cache', async () => {
  const source = new FilePromptSource(promptsDir);
  const req = (step: StepId, dep: boolean) =>
    buildStepRequest(source, {
      step,
      prdName: 'PRD.md',
      prdText: '# PRD\n',
      upstream: upstreamOf(step, dep),
      model: 'm',
      maxTokens: 100,
    });
  const blocks = async (step: StepId, dep: boolean) => (await req(step, dep)).turns[0].content.slice(0, -1);
  for (const [a, b, dep] of [
    [4, 5, false],
    [6, 7, true],
    [7, 8, true],
  ] as const) {
    const first = await blocks(a, dep);
    const second = await blocks(b, dep);
    // Step a's blocks up to its breakpoint (the end of its chain) start step b's request.
    const mark = first.map((x) => x.cache === true).lastIndexOf(true);
    // The PRD block comes first: the chain's last block is at its length.
    assert.equal(
      mark,
      layoutWithChain(a, upstreamOf(a, dep)).chain,
      `step ${a}'s breakpoint is not the end of its chain`,
    );
    assert.deepEqual(
      second.slice(0, mark + 1).map((x) => x.text),
      first.slice(0, mark + 1).map((x) => x.text),
      `step ${b} does not start with step ${a}'s chain`,
    );
    // What follows the chain (the documents step a builds on) is not marked: no later step reads it.
    assert.ok(first.slice(mark + 1).every((x) => !x.cache));
  }
  // The last step writes nothing no later request reads: its breakpoint is before the chain's newest block.
  const eight = await blocks(8, true);
  assert.equal(eight.at(-1)!.cache, undefined);
  assert.equal(eight.at(-2)!.cache, true);
  assert.ok(eight.filter((b) => b.cache).length + 1 <= 4, 'at most 4 breakpoints with the system text');
});

test('the tables code rendered from the model are left out with the views; the model’s own tables stay', () => {
  const text = [
    '## Container View',
    '',
    '```mermaid\nC4Container\n  title x\n```',
    '',
    '| Container | Id | Kind | Technology | Responsibility |',
    '| --- | --- | --- | --- | --- |',
    '| API | `api` | service | Node (proposed, A-301) | Serves |',
    '',
    'The API scales out.',
    '',
    '| Source | Destination | Port/protocol | Relationship it serves |',
    '| --- | --- | --- | --- |',
    '| internet | `api` | 443/HTTPS | user → api |',
    '',
    '## Deployment Architecture',
    '',
    '| Environment | Node | Container | Instances | Size |',
    '| --- | --- | --- | --- | --- |',
    '| Production | Cluster (`prod`) | API (`api`) | 2 | 1 vCPU |',
  ].join('\n');
  const out = withoutDrawnViews(text);
  assert.doesNotMatch(out, /\| API \| `api` \| service/);
  assert.doesNotMatch(out, /\| Production \| Cluster/);
  assert.match(
    out,
    /_\(A table of the model's elements, rendered by code from `diagrams\/c4-model\.json`\.\)_\n\nThe API scales out\./,
  );
  assert.match(out, /\| internet \| `api` \| 443\/HTTPS \| user → api \|/);
  assert.match(out, /## Deployment Architecture/);
});
