/**
 * A complete, good design bundle written as real files into a temporary folder: the eight step
 * documents, the C4 model and its views, ADRs with their index, ARCHITECTURE.md and an archflow.json
 * whose step records match the files (every step done and up to date). Tests break one thing at a
 * time with `edit`, `write`, `remove` and `updateState`; `rerun` re-records steps as if they ran again.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderAdrIndex } from '../../src/core/adr/index';
import { renderAdr } from '../../src/core/adr/render';
import { assembleArchitecture } from '../../src/core/assemble';
import { type Bundle, loadBundle } from '../../src/core/bundle';
import { renderC4Views } from '../../src/core/c4/mermaid';
import { readWorkflowView } from '../../src/core/engine';
import type { WorkflowView } from '../../src/core/events';
import { c4ViewFiles } from '../../src/core/derived/c4Views';
import { type ExitReport, evaluateExitCriteria, renderExitCriteria } from '../../src/core/exitCriteria';
import { computeVerdict, renderFindings, renderVerdict } from '../../src/core/findings';
import { hashText } from '../../src/core/hash';
import type { AdrRecord, C4Model, Finding, Requirement } from '../../src/core/model';
import { renderRequirementsTable } from '../../src/core/requirements';
import { type ArchflowState, currentInputs, emptyState, loadState, serializeState } from '../../src/core/state';
import { LAYOUT, STEPS, STEP_IDS, type StepId, stepById } from '../../src/core/steps';
import { ArtifactStore } from '../../src/core/store';

/** A fixed clock, so fixture files are the same on every run. */
export const FIXTURE_DATE = '2026-11-20';
export const FIXTURE_TIME = `${FIXTURE_DATE}T10:00:00.000Z`;

export const FIXTURE_PRD = `# Web Shop PRD

Customers browse a catalogue and place orders online. Checkout must answer within 200 ms at p95,
the shop must be available 99.9% of the month and take 500 orders per minute at peak.
`;

/**
 * FR-1 and NFR-1..4: NFR-1 (latency) is cited by step 3 and ADR 0001, NFR-2 (availability) by step 5,
 * NFR-3 (throughput) only by ADR 0002, NFR-4 (security, not a performance category) by ADR 0003.
 */
export const FIXTURE_REQUIREMENTS: Requirement[] = [
  { id: 'FR-1', kind: 'FR', title: 'Place an order', source: 'PRD §2', priority: 'must', target: null },
  {
    id: 'NFR-1',
    kind: 'NFR',
    title: 'Checkout latency',
    source: 'PRD §4',
    priority: 'must',
    category: 'latency',
    target: 'p95 < 200 ms',
  },
  {
    id: 'NFR-2',
    kind: 'NFR',
    title: 'Shop availability',
    source: 'PRD §4',
    priority: 'must',
    category: 'availability',
    target: '99.9% monthly',
  },
  {
    id: 'NFR-3',
    kind: 'NFR',
    title: 'Peak order rate',
    source: 'PRD §4',
    priority: 'should',
    category: 'throughput',
    target: '500 orders/min',
  },
  {
    id: 'NFR-4',
    kind: 'NFR',
    title: 'Card data protection',
    source: 'PRD §5',
    priority: 'must',
    category: 'security',
    target: 'PCI DSS SAQ A',
  },
];

/** One system in scope with three containers; the API is detailed with two components. */
export const FIXTURE_C4: C4Model = {
  people: [{ id: 'customer', name: 'Customer', description: 'Buys products online', external: false }],
  systems: [
    { id: 'shop', name: 'Web Shop', description: 'Sells products online', external: false },
    { id: 'payments', name: 'Payment Provider', description: 'Card payments', external: true },
  ],
  containers: [
    { id: 'webApp', system: 'shop', name: 'Web App', technology: 'React', description: 'Storefront', kind: 'webapp' },
    {
      id: 'shopApi',
      system: 'shop',
      name: 'Shop API',
      technology: 'Node.js',
      description: 'Orders and catalogue',
      kind: 'service',
    },
    {
      id: 'shopDb',
      system: 'shop',
      name: 'Shop DB',
      technology: 'PostgreSQL 16',
      description: 'Orders',
      kind: 'database',
    },
  ],
  components: [
    {
      id: 'orderController',
      container: 'shopApi',
      name: 'Order Controller',
      technology: 'Fastify',
      description: 'Order endpoints',
    },
    {
      id: 'orderRepository',
      container: 'shopApi',
      name: 'Order Repository',
      technology: 'SQL',
      description: 'Stores orders',
    },
  ],
  relationships: [
    { from: 'customer', to: 'webApp', label: 'Shops with', technology: 'HTTPS' },
    { from: 'webApp', to: 'shopApi', label: 'Calls', technology: 'JSON/HTTPS' },
    { from: 'orderController', to: 'orderRepository', label: 'Saves orders' },
    { from: 'orderRepository', to: 'shopDb', label: 'Reads and writes', technology: 'SQL/TLS' },
    { from: 'shopApi', to: 'payments', label: 'Charges cards', technology: 'HTTPS' },
  ],
};

/** A mitigated high, an open medium (not blocking) and a critical accepted by ADR `accept-shared-admin-account`. */
export const FIXTURE_FINDINGS: Finding[] = [
  {
    id: 'SEC-1',
    severity: 'high',
    title: 'Order API without rate limiting',
    element: 'shopApi',
    stride: 'DoS',
    recommendation: 'Rate-limit per client',
    status: 'mitigated',
    requirements: ['NFR-2'],
  },
  {
    id: 'SEC-2',
    severity: 'medium',
    title: 'Verbose error messages',
    element: 'shopApi',
    stride: 'Information disclosure',
    recommendation: 'Return generic errors',
    status: 'open',
    requirements: [],
  },
  {
    id: 'SEC-3',
    severity: 'critical',
    title: 'Shared admin account',
    element: null,
    stride: 'Repudiation',
    recommendation: 'Per-person accounts with SSO',
    status: 'accepted',
    adr: 'accept-shared-admin-account',
    requirements: ['NFR-4'],
  },
];

function adr(number: number, key: string, title: string, requirements: string[], elements: string[]): AdrRecord {
  return {
    key,
    title,
    status: 'accepted',
    context: `The forces behind "${title}", with ${requirements.join(', ')}.`,
    decision: `We will ${title.toLowerCase()}.`,
    consequences: { positive: ['Simple to run'], negative: ['Harder to scale teams'] },
    alternatives: [{ option: 'The other option', rejectedBecause: 'it costs more for this system' }],
    requirements,
    elements,
    number,
    date: FIXTURE_DATE,
    file: `adr/${String(number).padStart(4, '0')}-${key}.md`,
    supersedes: null,
    supersededBy: null,
    supersedesNumber: null,
    supersededByNumber: null,
  };
}

/** Three accepted decisions; 0003 accepts the risk of finding SEC-3. */
export const FIXTURE_ADRS: AdrRecord[] = [
  adr(1, 'architecture-style', 'Use a modular monolith', ['NFR-1', 'NFR-2'], ['shopApi']),
  adr(2, 'order-data-store', 'Use PostgreSQL for orders', ['FR-1', 'NFR-3'], ['shopDb']),
  adr(3, 'accept-shared-admin-account', 'Accept a shared admin account until SSO', ['NFR-4'], []),
];

export interface BundleFixtureOptions {
  prdText?: string;
  requirements?: Requirement[];
  /** The C4 model; null writes no diagrams/c4-model.json. */
  c4?: C4Model | null;
  findings?: Finding[];
  adrs?: AdrRecord[];
  /** Steps recorded as done in archflow.json (default: all eight). */
  doneSteps?: StepId[];
}

export interface BundleFixture {
  /** Temporary folder holding PRD.md and the output folder; removed by dispose(). */
  root: string;
  /** The output folder, root/docs/architecture. */
  outputDir: string;
  prdPath: string;
  store: ArtifactStore;
  /** Reads a file of the output folder; throws when it does not exist. */
  read(rel: string): Promise<string>;
  write(rel: string, text: string): Promise<void>;
  /** Rewrites a file of the output folder; `change` must change it (a no-op edit is a test bug). */
  edit(rel: string, change: (text: string) => string): Promise<void>;
  remove(rel: string): Promise<void>;
  state(): Promise<ArchflowState>;
  updateState(mutate: (state: ArchflowState) => void): Promise<void>;
  /** Records steps as done with the current input hashes, as if they had just run (default: all done ones). */
  rerun(steps?: StepId[]): Promise<void>;
  /** Assembles ARCHITECTURE.md again from the files, with the exit criteria in appendix D. */
  reassemble(): Promise<void>;
  /** Writes the `.mmd` views of the model on disk again and reassembles, as the end of a run does. */
  redraw(): Promise<void>;
  /** The bundle and the step view, read from disk like the extension and the CLI do. */
  load(): Promise<{ bundle: Bundle; view: WorkflowView }>;
  evaluate(): Promise<ExitReport>;
  dispose(): Promise<void>;
}

function sectionText(
  step: StepId,
  section: string,
  o: Required<Omit<BundleFixtureOptions, 'c4' | 'doneSteps'>>,
  c4: C4Model | null,
): string {
  const views = c4 ? renderC4Views(c4) : [];
  const mermaid = (level: 1 | 2 | 3): string =>
    views
      .filter((v) => v.level === level)
      .map((v) => '```mermaid\n' + v.text.trim() + '\n```')
      .join('\n\n');
  const review = { verdict: computeVerdict(o.findings), findings: o.findings };
  switch (`${step}:${section}`) {
    case '1:Requirement Inventory':
      return renderRequirementsTable(o.requirements);
    case '2:System Context':
      return mermaid(1);
    case '3:API Contracts':
      return 'POST /orders answers within the NFR-1 budget: one database round trip, no synchronous call to payments.';
    case '3:Container View':
      return mermaid(2);
    case '3:Component Views':
      return mermaid(3);
    case '5:Scaling and High Availability':
      return 'Two instances in two zones behind a load balancer meet NFR-2.';
    case '6:Findings':
      return renderFindings(review);
    case '6:Verdict':
      return renderVerdict(review);
    case '8:Chosen Architecture':
      return o.adrs.map((a) => `- [ADR ${String(a.number).padStart(4, '0')}: ${a.title}](${a.file})`).join('\n');
    default:
      return `Fixture text for ${section.toLowerCase()}.`;
  }
}

function stepDocument(
  step: StepId,
  o: Required<Omit<BundleFixtureOptions, 'c4' | 'doneSteps'>>,
  c4: C4Model | null,
): string {
  const def = stepById(step);
  const parts = [`# ${def.name} — Web Shop`, ''];
  for (const s of def.sections) parts.push(`## ${s}`, '', sectionText(step, s, o, c4), '');
  return parts.join('\n');
}

/** Files a step records as written (relative to the output folder). */
function stepFiles(step: StepId, c4: C4Model | null, adrs: AdrRecord[]): string[] {
  const files = [stepById(step).document];
  if ((step === 2 || step === 3) && c4) files.push(LAYOUT.c4Model);
  if (step === 8) files.push(...adrs.map((a) => a.file));
  return files;
}

/** Writes a good bundle into a new temporary folder. */
export async function createBundleFixture(options: BundleFixtureOptions = {}): Promise<BundleFixture> {
  const o = {
    prdText: options.prdText ?? FIXTURE_PRD,
    requirements: options.requirements ?? FIXTURE_REQUIREMENTS,
    findings: options.findings ?? FIXTURE_FINDINGS,
    adrs: options.adrs ?? FIXTURE_ADRS,
  };
  const c4 = options.c4 === undefined ? FIXTURE_C4 : options.c4;
  const done = options.doneSteps ?? [...STEP_IDS];

  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-bundle-'));
  const outputDir = path.join(root, 'docs', 'architecture');
  const prdPath = path.join(root, 'PRD.md');
  await fs.writeFile(prdPath, o.prdText, 'utf8');
  const store = new ArtifactStore(outputDir);

  const state = emptyState();
  const prdHash = hashText(o.prdText);
  state.prd = { path: path.relative(outputDir, prdPath).split(path.sep).join('/'), hash: prdHash };
  const put = async (rel: string, text: string): Promise<void> => {
    await store.write(rel, text);
    state.files[rel] = { hashes: [hashText(text)] };
  };

  for (const s of STEPS) await put(s.document, stepDocument(s.id, o, c4));
  if (c4) {
    await put(LAYOUT.c4Model, JSON.stringify(c4, null, 2) + '\n');
    for (const v of renderC4Views(c4)) await put(v.file, v.text);
  }
  for (const a of o.adrs) await put(a.file, renderAdr(a, o.adrs));
  if (o.adrs.length) await put(LAYOUT.adrIndex, renderAdrIndex(o.adrs));

  for (const id of done) {
    state.steps[id] = {
      status: 'done',
      inputs: await currentInputs(store, id, prdHash),
      files: stepFiles(id, c4, o.adrs),
      model: 'claude-opus-fixture',
      usage: { input: 1000 * id, output: 500 * id, cacheRead: 800, cacheWrite: 200 },
      attempts: 1,
      startedAt: FIXTURE_TIME,
      finishedAt: FIXTURE_TIME,
      durationMs: 1000,
    };
  }
  state.adrs = o.adrs.map((a) => ({ key: a.key, number: a.number, title: a.title, file: a.file }));
  const open: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of o.findings) if (f.status === 'open') open[f.severity]++;
  state.security = { verdict: computeVerdict(o.findings), open };
  state.updatedAt = FIXTURE_TIME;
  await store.write(LAYOUT.state, serializeState(state));

  const fixture: BundleFixture = {
    root,
    outputDir,
    prdPath,
    store,
    async read(rel) {
      const text = await store.read(rel);
      if (text === undefined) throw new Error(`fixture: ${rel} does not exist`);
      return text;
    },
    write: (rel, text) => store.write(rel, text),
    async edit(rel, change) {
      const before = await fixture.read(rel);
      const after = change(before);
      if (after === before) throw new Error(`fixture: the edit of ${rel} changed nothing`);
      await store.write(rel, after);
    },
    remove: (rel) => store.remove(rel),
    state: () => loadState(store),
    async updateState(mutate) {
      const s = await loadState(store);
      mutate(s);
      await store.write(LAYOUT.state, serializeState(s));
    },
    async rerun(steps) {
      const s = await loadState(store);
      const prd = hashText(await fs.readFile(prdPath, 'utf8'));
      const ids = steps ?? STEP_IDS.filter((id) => s.steps[id]?.status === 'done');
      for (const id of ids) {
        const prev = s.steps[id];
        s.steps[id] = {
          ...(prev ?? { files: [stepById(id).document] }),
          status: 'done',
          inputs: await currentInputs(store, id, prd),
          error: undefined,
        };
      }
      s.prd = { path: s.prd?.path ?? 'PRD.md', hash: prd };
      await store.write(LAYOUT.state, serializeState(s));
    },
    async reassemble() {
      const { bundle, view } = await fixture.load();
      const text = assembleArchitecture(bundle, {
        prdName: 'PRD.md',
        exitCriteria: renderExitCriteria(evaluateExitCriteria(bundle, view)),
      });
      await store.write(LAYOUT.architecture, text);
      await fixture.updateState((s) => {
        s.files[LAYOUT.architecture] = { hashes: [hashText(text)] };
      });
    },
    async redraw() {
      const { bundle, view } = await fixture.load();
      const out = await c4ViewFiles.produce({ bundle, view, prdName: 'PRD.md', list: (dir) => store.list(dir) });
      for (const rel of out.obsolete ?? []) await store.remove(rel);
      for (const [rel, text] of out.files) await store.write(rel, text);
      await fixture.reassemble();
    },
    async load() {
      const [bundle, view] = await Promise.all([loadBundle(store), readWorkflowView(outputDir)]);
      return { bundle, view };
    },
    async evaluate() {
      const { bundle, view } = await fixture.load();
      return evaluateExitCriteria(bundle, view);
    },
    dispose: () => fs.rm(root, { recursive: true, force: true }),
  };
  await fixture.reassemble();
  return fixture;
}
