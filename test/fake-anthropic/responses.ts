/**
 * The fake model: writes each step's document for any PRD, from the request alone, following
 * prompts/output-format.md and the step table (H1, the required H2 sections in order, valid
 * structured blocks). Deterministic: the same request always gives the same answer.
 */
import {
  NFR_CATEGORIES,
  PERFORMANCE_CATEGORIES,
  type AdrDraft,
  type C4Component,
  type C4Container,
  type C4Model,
  type C4Person,
  type C4Relationship,
  type C4System,
  type Finding,
  type SecurityReview,
} from '../../src/core/model';
import { stepById, type StepId } from '../../src/core/steps';
import { analysePrd, camelId, IdRegistry, slugOf, type PrdFacts } from './prd';
import {
  readContext,
  type ExistingDecision,
  type MessagesBody,
  type RequestContext,
  type RequestDocument,
} from './request';

/** What the fake model answers to a request. */
export interface GeneratedAnswer {
  /** Step detected from the task block, or null for a request that is not an Archflow step. */
  step: number | null;
  /** The request was the repair turn of a step. */
  repair: boolean;
  text: string;
}

/** Answers a Messages request: the step's document, or a short note for other requests. */
export function generateAnswer(body: MessagesBody): GeneratedAnswer {
  const ctx = readContext(body);
  if (ctx.step === null) return { step: null, repair: ctx.repair, text: genericAnswer(ctx) };
  return { step: ctx.step, repair: ctx.repair, text: generateStepDocument(ctx.step as StepId, ctx) };
}

function genericAnswer(ctx: RequestContext): string {
  const words = ctx.userText.split(/\s+/).filter(Boolean).length;
  return `This is the fake Anthropic server. Your message had ${words} word${words === 1 ? '' : 's'} and no \`# Task: Step N\` block, so there is no Archflow step to answer.`;
}

/**
 * Breaks an answer so it fails Archflow's checks: the second required section's heading is
 * removed and the first structured block's JSON is cut in half.
 */
export function malformedAnswer(text: string, step: number | null): string {
  if (step === null || step < 1 || step > 8) return text.slice(0, Math.floor(text.length / 2));
  const def = stepById(step);
  const victim = def.sections[1] ?? def.sections[0];
  let out = text.replace(new RegExp(`^## ${escapeRegExp(victim)}\\n`, 'm'), '');
  out = out.replace(
    /^(```archflow-[a-z0-9-]+\n)([\s\S]*?)(\n```)/m,
    (_m, open: string, json: string, close: string) => {
      return `${open}${json.slice(0, Math.floor(json.length / 2))},\n  "unfinished": [1, 2,${close}`;
    },
  );
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// The design as the fake model sees it: PRD facts, requirement ids, the C4 model.

type Priority = 'must' | 'should' | 'could';

interface Req {
  id: string;
  kind: 'FR' | 'NFR';
  title: string;
  source: string;
  priority: Priority;
  category?: string;
  target?: string | null;
}

interface Pattern {
  name: string;
  short: string;
  why: string;
}

interface Elements {
  system: C4System;
  people: C4Person[];
  externals: C4System[];
  web?: C4Container;
  mobile?: C4Container;
  api?: C4Container;
  worker?: C4Container;
  db?: C4Container;
  cache?: C4Container;
  queue?: C4Container;
  storage?: C4Container;
  containers: C4Container[];
  components: C4Component[];
}

interface Design {
  step: StepId;
  ctx: RequestContext;
  facts: PrdFacts;
  product: string;
  reqs: Req[];
  frs: Req[];
  nfrs: Req[];
  /** NFRs of the performance-like categories (cited by every design step). */
  perf: Req[];
  security?: Req;
  pattern: Pattern;
  model: C4Model;
  /** Step 3: the containers, components and their relationships it returns. */
  added?: C4Model;
  el: Elements;
}

function buildDesign(step: StepId, ctx: RequestContext): Design {
  const prdText = ctx.prd?.text ?? ctx.userText;
  const facts = analysePrd(prdText, ctx.prd?.name ?? 'PRD');
  const reqs = (step > 1 ? requirementsFromUpstream(ctx.documents) : undefined) ?? requirementsFor(facts);
  const frs = reqs.filter((r) => r.kind === 'FR');
  const nfrs = reqs.filter((r) => r.kind === 'NFR');
  const perf = nfrs.filter(
    (r) => r.category === undefined || (PERFORMANCE_CATEGORIES as readonly string[]).includes(r.category),
  );
  const security = nfrs.find((r) => r.category === 'security') ?? nfrs.find((r) => r.category === 'privacy');
  let model: C4Model;
  let added: C4Model | undefined;
  if (step === 2) {
    model = contextModel(facts);
  } else {
    const given = modelFromRequest(ctx.documents);
    if (step === 3) {
      // Step 3 owns levels 2 and 3: it rebuilds them on the level-1 model, with stable ids.
      const base = level1Of(given ?? contextModel(facts));
      added = containerModel(facts, base);
      model = mergeModels(base, added);
    } else {
      model = given ?? (step === 1 ? EMPTY_MODEL() : withContainers(facts));
    }
  }
  return {
    step,
    ctx,
    facts,
    product: facts.product,
    reqs,
    frs,
    nfrs,
    perf,
    security,
    pattern: patternFor(facts),
    model,
    added,
    el: elementsOf(model, facts),
  };
}

/** People, systems and the relationships between them. */
function level1Of(model: C4Model): C4Model {
  const ids = new Set([...model.people.map((p) => p.id), ...model.systems.map((s) => s.id)]);
  return {
    people: model.people,
    systems: model.systems,
    containers: [],
    components: [],
    relationships: model.relationships.filter((r) => ids.has(r.from) && ids.has(r.to)),
  };
}

function EMPTY_MODEL(): C4Model {
  return { people: [], systems: [], containers: [], components: [], relationships: [] };
}

function withContainers(facts: PrdFacts): C4Model {
  const base = contextModel(facts);
  return mergeModels(base, containerModel(facts, base));
}

function mergeModels(a: C4Model, b: Partial<C4Model>): C4Model {
  return {
    people: [...a.people, ...(b.people ?? [])],
    systems: [...a.systems, ...(b.systems ?? [])],
    containers: [...a.containers, ...(b.containers ?? [])],
    components: [...a.components, ...(b.components ?? [])],
    relationships: [...a.relationships, ...(b.relationships ?? [])],
  };
}

/** The step-1 requirement inventory derived from the PRD. */
function requirementsFor(f: PrdFacts): Req[] {
  const out: Req[] = f.features.map((feat, i) => ({
    id: `FR-${i + 1}`,
    kind: 'FR',
    title: feat.name,
    source: feat.source,
    priority: i < 3 ? 'must' : i < 6 ? 'should' : 'could',
  }));
  const role = f.roles[0].toLowerCase();
  const nfr = (
    category: string,
    title: string,
    target: { value: string; source: string } | undefined,
    priority: Priority,
  ): void => {
    out.push({
      id: '',
      kind: 'NFR',
      title,
      category,
      target: target?.value ?? null,
      source: target?.source ?? 'PRD (implied)',
      priority,
    });
  };
  const t = f.targets;
  nfr('performance', `${f.features[0].name} responds quickly to the ${role}`, t.latency ?? t.size, 'must');
  nfr(
    'scalability',
    `${f.product} grows with the number of ${role}s without redesign`,
    t.scale ?? (t.latency ? undefined : t.throughput),
    'must',
  );
  if (t.throughput && (t.scale || t.latency))
    nfr('throughput', `${f.product} sustains the peak request rate`, t.throughput, 'should');
  nfr('availability', `${f.product} stays available during business use`, t.availability, 'must');
  nfr('security', `Only authenticated and authorised ${role}s reach their data`, undefined, 'must');
  if (f.regulations.length > 0) {
    nfr(
      'compliance',
      `Processing complies with ${f.regulations.join(', ')}`,
      { value: f.regulations.join(', '), source: 'PRD (regulations named)' },
      'must',
    );
  } else if (f.mentions.personalData) {
    nfr('privacy', 'Personal data is minimised, protected and deletable on request', undefined, 'should');
  }
  nfr('operability', 'Failures are detected and diagnosed before users report them', undefined, 'should');
  let n = 0;
  for (const r of out) if (r.kind === 'NFR') r.id = `NFR-${++n}`;
  return out;
}

/** Finds a fenced structured block by name and parses its JSON. */
function parseBlock(text: string, name: string): unknown {
  const re = new RegExp('^(`{3,})\\s*' + escapeRegExp(name) + '\\s*\\n([\\s\\S]*?)\\n\\1\\s*$', 'm');
  const m = re.exec(text);
  if (!m) return undefined;
  try {
    return JSON.parse(m[2]);
  } catch {
    return undefined;
  }
}

function upstream(docs: RequestDocument[], step: number): RequestDocument | undefined {
  const file = stepById(step).document;
  return docs.find((d) => d.name === file || d.name.endsWith(`/${file}`)) ?? docs.find((d) => d.step === step);
}

/** Requirement ids of step 1's document: its block, else its table rows, else the ids it mentions. */
function requirementsFromUpstream(docs: RequestDocument[]): Req[] | undefined {
  const doc = upstream(docs, 1);
  if (!doc) return undefined;
  const block = parseBlock(doc.text, 'archflow-requirements') as { requirements?: unknown } | undefined;
  if (block && Array.isArray(block.requirements)) {
    const reqs: Req[] = [];
    for (const r of block.requirements as Record<string, unknown>[]) {
      if (typeof r?.id !== 'string' || !/^N?FR-\d+$/.test(r.id)) continue;
      reqs.push({
        id: r.id,
        kind: r.id.startsWith('NFR') ? 'NFR' : 'FR',
        title: typeof r.title === 'string' ? r.title : r.id,
        source: typeof r.source === 'string' ? r.source : 'PRD',
        priority: r.priority === 'should' || r.priority === 'could' ? r.priority : 'must',
        category: typeof r.category === 'string' ? r.category : undefined,
        target: typeof r.target === 'string' ? r.target : null,
      });
    }
    if (reqs.length > 0) return reqs;
  }
  const reqs: Req[] = [];
  for (const line of doc.text.split('\n')) {
    if (!line.trimStart().startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.replace(/[`*]/g, '').trim());
    const at = cells.findIndex((c) => /^N?FR-\d+$/.test(c));
    if (at < 0 || reqs.some((r) => r.id === cells[at])) continue;
    const id = cells[at];
    const category = cells.find((c) => (NFR_CATEGORIES as readonly string[]).includes(c.toLowerCase()))?.toLowerCase();
    const title = cells.slice(at + 1).find((c) => c.length > 0 && c.toLowerCase() !== category) ?? id;
    reqs.push({
      id,
      kind: id.startsWith('NFR') ? 'NFR' : 'FR',
      title,
      source: 'PRD',
      priority: 'must',
      category,
      target: null,
    });
  }
  if (reqs.length > 0) return reqs;
  const ids = [...new Set([...doc.text.matchAll(/\b(N?FR-\d+)\b/g)].map((m) => m[1]))];
  if (ids.length === 0) return undefined;
  return ids.map((id) => ({
    id,
    kind: id.startsWith('NFR') ? 'NFR' : 'FR',
    title: id,
    source: 'PRD',
    priority: 'must',
  }));
}

function asArray<T>(x: unknown): T[] {
  return Array.isArray(x) ? (x as T[]) : [];
}

/** The arrays of a (possibly partial) C4 model object, each element checked for an id. */
function partialModel(x: unknown): C4Model | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const o = x as Record<string, unknown>;
  return {
    people: asArray<C4Person>(o.people).filter((p) => typeof p?.id === 'string'),
    systems: asArray<C4System>(o.systems).filter((s) => typeof s?.id === 'string'),
    containers: asArray<C4Container>(o.containers).filter((c) => typeof c?.id === 'string'),
    components: asArray<C4Component>(o.components).filter((c) => typeof c?.id === 'string'),
    relationships: asArray<C4Relationship>(o.relationships).filter(
      (r) => typeof r?.from === 'string' && typeof r?.to === 'string',
    ),
  };
}

/** The C4 model the request carries: diagrams/c4-model.json, else the blocks of steps 2 and 3. */
function modelFromRequest(docs: RequestDocument[]): C4Model | undefined {
  const file = docs.find((d) => d.name === 'diagrams/c4-model.json' || d.name.endsWith('c4-model.json'));
  if (file) {
    const text = file.text.replace(/^```[a-z-]*\n|\n```\s*$/g, '');
    try {
      const m = partialModel(JSON.parse(text));
      if (m && m.systems.length > 0) return m;
    } catch {
      // fall through to the step documents
    }
  }
  const doc2 = upstream(docs, 2);
  const level1 = doc2 ? partialModel(parseBlock(doc2.text, 'archflow-c4')) : undefined;
  if (!level1 || level1.systems.length === 0) return undefined;
  const doc3 = upstream(docs, 3);
  const level23 = doc3 ? partialModel(parseBlock(doc3.text, 'archflow-c4')) : undefined;
  return level23 ? mergeModels(level1, level23) : level1;
}

function patternFor(f: PrdFacts): Pattern {
  if (f.mentions.microservices && f.features.length >= 6) {
    return {
      name: 'Microservices with asynchronous messaging',
      short: 'microservices',
      why: 'the PRD asks for independently deployable services and the feature set is wide',
    };
  }
  if (f.mentions.events || f.mentions.realtime || f.mentions.offline) {
    return {
      name: 'Modular monolith with event-driven background processing',
      short: 'modular monolith',
      why: 'one deployable keeps latency and operations simple while a job queue absorbs slow and bursty work',
    };
  }
  return {
    name: 'Modular monolith',
    short: 'modular monolith',
    why: 'one deployable with strict module boundaries is the cheapest design that meets the drivers',
  };
}

/** Level 1: people, the system under design and its external systems. */
function contextModel(f: PrdFacts): C4Model {
  const reg = new IdRegistry();
  const people: C4Person[] = f.roles.map((role) => ({
    id: reg.take(camelId(role, 'person')),
    name: role,
    description: `${role} of ${f.product}`,
    external: true,
  }));
  const system: C4System = {
    id: reg.take(camelId(f.product, 'system', 3)),
    name: f.product,
    description: clipText(f.pitch, 140),
    external: false,
  };
  const externals: C4System[] = f.externals.map((x) => ({
    id: reg.take(camelId(x.name, 'external', 3)),
    name: x.name,
    description: x.description,
    external: true,
  }));
  const relationships: C4Relationship[] = [
    ...people.map((p, i) => ({
      from: p.id,
      to: system.id,
      label: i === 0 ? `Uses ${f.features[0].name}` : `Manages ${f.product}`,
      technology: 'HTTPS',
    })),
    ...externals.map((x, i) => ({
      from: system.id,
      to: x.id,
      label: f.externals[i].use,
      technology: f.externals[i].technology,
    })),
  ];
  return { people, systems: [system, ...externals], containers: [], components: [], relationships };
}

/**
 * Levels 2 and 3 of the design on a level-1 model. Only level-1 ids are reserved, so a re-run
 * of step 3 gives every container and component the same id as before.
 */
function containerModel(f: PrdFacts, base: C4Model): C4Model {
  const reg = new IdRegistry([...base.people.map((p) => p.id), ...base.systems.map((s) => s.id)]);
  const system = base.systems.find((s) => !s.external) ?? base.systems[0];
  if (!system) return EMPTY_MODEL();
  const name = system.name;
  const roles = base.people.map((p) => p.name);
  const features = f.features;
  const containers: C4Container[] = [];
  const add = (c: Omit<C4Container, 'system'>): C4Container => {
    const full: C4Container = { ...c, system: system.id };
    containers.push(full);
    return full;
  };
  const web = add({
    id: reg.take('webApp'),
    name: `${name} Web App`,
    technology: pickTech(f, ['Next.js', 'React', 'Vue', 'Angular', 'Svelte'], 'TypeScript, React'),
    description: `Browser UI for ${listText(roles.length > 0 ? roles : f.roles)}`,
    kind: 'webapp',
  });
  const mobile = f.mentions.mobile
    ? add({
        id: reg.take('mobileApp'),
        name: `${name} Mobile App`,
        technology: 'React Native',
        description: 'Mobile and tablet client',
        kind: 'mobile',
      })
    : undefined;
  const api = add({
    id: reg.take('apiService'),
    name: `${name} API`,
    technology: pickTech(f, ['Node.js', 'Python', 'Go', 'Java'], 'Node.js 20, Fastify'),
    description: `Serves ${listText(features.slice(0, 3).map((x) => x.name))}`,
    kind: 'service',
  });
  const worker = add({
    id: reg.take('backgroundWorker'),
    name: 'Background Worker',
    technology: pickTech(f, ['Node.js', 'Python', 'Go', 'Java'], 'Node.js 20') + ', job consumer',
    description: 'Runs slow and scheduled work off the request path',
    kind: 'service',
  });
  const queue = add({
    id: reg.take('jobQueue'),
    name: 'Job Queue',
    technology: f.technologies.includes('Kafka') ? 'Kafka' : 'Redis 7 Streams',
    description: 'Durable queue between the API and the worker',
    kind: 'queue',
  });
  const cache =
    f.targets.latency || f.mentions.realtime
      ? add({
          id: reg.take('cache'),
          name: 'Cache',
          technology: 'Redis 7',
          description: 'Hot reads and sessions',
          kind: 'cache',
        })
      : undefined;
  const storage = f.mentions.files
    ? add({
        id: reg.take('objectStorage'),
        name: 'Object Storage',
        technology: 'S3-compatible object storage',
        description: 'Uploaded files and exports',
        kind: 'storage',
      })
    : undefined;
  const db = add({
    id: reg.take('mainDatabase'),
    name: `${name} Database`,
    technology: pickTech(f, ['PostgreSQL', 'MySQL', 'MongoDB'], 'PostgreSQL 16'),
    description: `System of record for ${listText(features.slice(0, 3).map((x) => x.name))}`,
    kind: 'database',
  });

  const components: C4Component[] = features.slice(0, 4).map((feat, i) => ({
    id: reg.take(`${camelId(feat.name, 'feature', 3)}Module`),
    container: api.id,
    name: `${feat.name} Module`,
    technology: 'TypeScript module',
    description: `Rules and API of ${feat.name} (FR-${i + 1})`,
  }));
  const consumer: C4Component = {
    id: reg.take('jobConsumer'),
    container: worker.id,
    name: 'Job Consumer',
    technology: 'TypeScript module',
    description: 'Takes jobs from the queue with retries and a dead-letter queue',
  };
  components.push(consumer);
  const extra = features[4];
  if (extra) {
    components.push({
      id: reg.take(`${camelId(extra.name, 'feature', 3)}Processor`),
      container: worker.id,
      name: `${extra.name} Processor`,
      technology: 'TypeScript module',
      description: `Background part of ${extra.name} (FR-5)`,
    });
  }
  const apiComponents = components.filter((c) => c.container === api.id);
  const rel: C4Relationship[] = [];
  for (const p of base.people) rel.push({ from: p.id, to: web.id, label: `Uses ${name}`, technology: 'HTTPS' });
  if (mobile && base.people[0])
    rel.push({ from: base.people[0].id, to: mobile.id, label: 'Uses on the go', technology: 'HTTPS' });
  rel.push({ from: web.id, to: api.id, label: 'Calls the API', technology: 'HTTPS/JSON' });
  if (mobile) rel.push({ from: mobile.id, to: api.id, label: 'Calls the API', technology: 'HTTPS/JSON' });
  for (const c of apiComponents)
    rel.push({
      from: c.id,
      to: db.id,
      label: `Reads and writes ${c.name.replace(/ Module$/, '')} data`,
      technology: 'SQL/TLS',
    });
  if (cache && apiComponents[0])
    rel.push({ from: apiComponents[0].id, to: cache.id, label: 'Caches hot reads', technology: 'RESP/TLS' });
  rel.push({ from: api.id, to: queue.id, label: 'Publishes jobs', technology: 'Redis Streams' });
  rel.push({ from: consumer.id, to: queue.id, label: 'Consumes jobs', technology: 'Redis Streams' });
  for (const c of components.filter((x) => x.container === worker.id)) {
    rel.push({ from: c.id, to: db.id, label: 'Records job results', technology: 'SQL/TLS' });
  }
  if (storage)
    rel.push({ from: api.id, to: storage.id, label: 'Stores and serves files', technology: 'HTTPS (S3 API)' });
  const externals = base.systems.filter((s) => s.external);
  externals.forEach((x, i) => {
    const from = i % 2 === 0 && apiComponents.length > 0 ? apiComponents[i % apiComponents.length].id : consumer.id;
    rel.push({ from, to: x.id, label: `Calls ${x.name}`, technology: 'HTTPS' });
  });
  return { people: [], systems: [], containers, components, relationships: rel };
}

function pickTech(f: PrdFacts, options: string[], fallback: string): string {
  const found = options.find((o) => f.technologies.includes(o));
  if (!found) return fallback;
  if (found === 'Node.js') return 'Node.js 20, TypeScript';
  if (found === 'PostgreSQL') return 'PostgreSQL 16';
  return found;
}

function elementsOf(model: C4Model, f: PrdFacts): Elements {
  const system = model.systems.find((s) => !s.external) ??
    model.systems[0] ?? { id: camelId(f.product, 'system', 3), name: f.product, description: f.pitch, external: false };
  const byKind = (kind: string): C4Container[] => model.containers.filter((c) => c.kind === kind);
  const services = [...byKind('service'), ...byKind('function')];
  return {
    system,
    people: model.people,
    externals: model.systems.filter((s) => s.external),
    web: byKind('webapp')[0],
    mobile: byKind('mobile')[0],
    api: services[0],
    worker: services[1],
    db: byKind('database')[0],
    cache: byKind('cache')[0],
    queue: byKind('queue')[0],
    storage: byKind('storage')[0],
    containers: model.containers,
    components: model.components,
  };
}

// ---------------------------------------------------------------------------------------------
// Text helpers.

function clipText(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

function listText(items: string[]): string {
  if (items.length === 0) return 'its users';
  if (items.length === 1) return items[0];
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function code(id: string | undefined): string {
  return id ? `\`${id}\`` : 'the system';
}

function ids(reqs: Req[]): string {
  return reqs.map((r) => r.id).join(', ');
}

function describeReq(r: Req): string {
  const cat = r.category ? `${r.category}` : 'quality';
  return r.target ? `${r.id} (${cat}: ${r.target})` : `${r.id} (${cat}, no target in the PRD yet)`;
}

function bullets(lines: string[]): string {
  return lines.map((l) => `- ${l}`).join('\n');
}

function jsonBlock(name: string, value: unknown): string {
  return `\`\`\`${name}\n${JSON.stringify(value, null, 2)}\n\`\`\``;
}

/** Assembles a document: H1, then exactly the step's H2 sections in order. */
function assemble(step: StepId, title: string, bodies: Record<string, string>): string {
  const parts = [`# ${title}`];
  for (const section of stepById(step).sections) {
    const body = bodies[section];
    if (body === undefined) throw new Error(`fake-anthropic: no body for section "${section}" of step ${step}`);
    parts.push(`## ${section}\n\n${body.trim()}`);
  }
  return `${parts.join('\n\n')}\n`;
}

function perfLine(d: Design): string {
  if (d.perf.length === 0) return 'Step 1 lists no performance-related NFR; none is cited here.';
  return `Performance-related requirements addressed here: ${d.perf.map(describeReq).join('; ')}.`;
}

// ---------------------------------------------------------------------------------------------
// The steps.

/** The document of `step` for the request's PRD and upstream documents. */
export function generateStepDocument(step: StepId, ctx: RequestContext): string {
  const d = buildDesign(step, ctx);
  switch (step) {
    case 1:
      return step1(d);
    case 2:
      return step2(d);
    case 3:
      return step3(d);
    case 4:
      return step4(d);
    case 5:
      return step5(d);
    case 6:
      return step6(d);
    case 7:
      return step7(d);
    case 8:
      return step8(d);
  }
}

function step1(d: Design): string {
  const f = d.facts;
  const role = f.roles[0];
  const noTarget = d.nfrs.filter((r) => !r.target);
  const inventory = {
    requirements: d.reqs.map((r) =>
      r.kind === 'FR'
        ? { id: r.id, title: r.title, source: r.source, priority: r.priority }
        : {
            id: r.id,
            title: r.title,
            category: r.category,
            target: r.target ?? null,
            source: r.source,
            priority: r.priority,
          },
    ),
  };
  const drivers = d.nfrs.filter((r) => r.priority === 'must');
  const scenarios = d.nfrs
    .filter((r) => r.category !== 'operability')
    .slice(0, 4)
    .map((r, i) => {
      const measure = r.target ? r.target : `to be agreed with the PRD owner (assumption A-${noTarget.indexOf(r) + 1})`;
      return [
        `### QAS-${i + 1} — ${capitalize(r.category ?? 'quality')} (${r.id})`,
        '',
        bullets([
          `**Source:** a ${role.toLowerCase()}${r.category === 'security' ? ' or an attacker holding a stolen session' : ''}`,
          `**Stimulus:** ${scenarioStimulus(r, d)}`,
          `**Environment:** ${r.category === 'availability' ? 'one availability zone fails during business hours' : 'normal operation at the expected peak load'}`,
          `**Artifact:** ${d.product}`,
          `**Response:** ${scenarioResponse(r)}`,
          `**Response measure:** ${measure}`,
        ]),
      ].join('\n');
    })
    .join('\n\n');
  const assumptions = [
    ...noTarget.map(
      (r, i) =>
        `**A-${i + 1}** — ${r.id} (${r.category}) has no measurable target in the PRD; we assume ${assumedTarget(r)}. Question for the PRD owner: ${assumptionQuestion(r)}`,
    ),
    `**A-${noTarget.length + 1}** — One product team owns ${d.product} end to end; the PRD does not give team size. Question for the PRD owner: how many engineers will build and run it?`,
    `**A-${noTarget.length + 2}** — ${d.product} runs on a managed public cloud; the PRD names no hosting constraint. Question for the PRD owner: is there a required cloud provider or region?`,
  ];
  const questions = [
    ...f.questions.map((q) => `${q} (raised in the PRD)`),
    ...noTarget.slice(0, 3).map((r) => `${capitalize(assumptionQuestion(r))} (${r.id})`),
    `Which of ${listText(d.frs.slice(0, 3).map((r) => r.id))} must ship in the first release?`,
  ];
  const constraints = [
    f.technologies.length > 0
      ? `**Technology** — the PRD names ${listText(f.technologies)}; the design keeps to them unless an ADR says otherwise.`
      : '**Technology** — the PRD names no mandatory technology; choices are made in steps 2-5 and recorded as ADRs.',
    f.regulations.length > 0
      ? `**Regulation** — ${listText(f.regulations)} applies (${d.nfrs.find((r) => r.category === 'compliance')?.id ?? 'see NFRs'}).`
      : '**Regulation** — the PRD names no regulation; personal data is still handled under least privilege.',
    `**External dependencies** — ${listText(f.externals.map((x) => x.name))} are outside our control and shape the integration design.`,
    f.outOfScope
      ? `**Scope** — the PRD excludes what it lists under "${f.outOfScope.name}"${f.outOfScope.number ? ` (§${f.outOfScope.number})` : ''}.`
      : '**Scope** — the PRD states no explicit non-goals; anything not in the inventory is out of scope.',
  ];
  const glossary = [
    `**${d.product}** — the system under design: ${clipText(f.pitch, 120)}`,
    ...d.frs.slice(0, 3).map((r) => `**${r.title}** — a capability of the PRD (${r.source}), tracked as ${r.id}.`),
    '**FR / NFR** — functional / non-functional requirement ids used by every Archflow document.',
    '**SLO** — service level objective derived from an NFR target.',
  ];
  return assemble(1, `Architecture Context — ${d.product}`, {
    Summary: [
      pitchLine(d),
      '',
      `The PRD yields ${d.frs.length} functional requirements (${d.frs[0].id} to ${d.frs[d.frs.length - 1].id}) and ${d.nfrs.length} non-functional requirements (${d.nfrs[0].id} to ${d.nfrs[d.nfrs.length - 1].id}) for ${listText(f.roles.map((r) => `${r.toLowerCase()}s`))}.`,
      `The architecture drivers are ${drivers.map(describeReq).join(', ')}.`,
      noTarget.length > 0
        ? `The PRD gives no measurable target for ${ids(noTarget)}; each is recorded as an assumption with a question for the PRD owner.`
        : 'Every NFR has a measurable target from the PRD.',
    ].join('\n'),
    'Business Goals and Drivers': [
      bullets([
        `**G1 — Deliver ${d.frs[0].title}** for the ${role.toLowerCase()} (${d.frs[0].id}${d.frs[1] ? `, ${d.frs[1].id}` : ''}).`,
        `**G2 — Make ${d.product} dependable** enough to be trusted with daily work (${ids(d.nfrs.filter((r) => r.category === 'availability' || r.category === 'security'))}).`,
        `**G3 — Keep it fast and cheap to evolve** as ${d.frs.length} capabilities grow (${ids(d.perf)}).`,
      ]),
      '',
      '### Architecture drivers',
      '',
      bullets(
        drivers.map(
          (r) => `${r.id} — ${r.title}${r.target ? ` (target ${r.target}, ${r.source})` : ' (no target yet)'}`,
        ),
      ),
    ].join('\n'),
    'Requirement Inventory': `The inventory is the single list of requirement ids every later step cites.\n\n${jsonBlock('archflow-requirements', inventory)}`,
    'Quality Attribute Scenarios': scenarios,
    Constraints: bullets(constraints),
    Assumptions: bullets(assumptions),
    Risks: bullets([
      `**R1 — Scope** — ${d.frs.length} capabilities (${d.frs[0].id} to ${d.frs[d.frs.length - 1].id}) compete for the first release; mitigate by agreeing the must-haves (${ids(d.frs.filter((r) => r.priority === 'must'))}).`,
      `**R2 — External dependency** — an outage of ${f.externals[0].name} blocks ${d.frs[0].title}; mitigate with timeouts, retries and a degraded mode.`,
      noTarget.length > 0
        ? `**R3 — Unmeasured quality** — without targets for ${ids(noTarget)} the design may over- or under-build; mitigate by answering the open questions.`
        : `**R3 — Tight targets** — ${ids(d.perf)} leave little headroom; mitigate with load tests before launch.`,
    ]),
    'Open Questions': bullets(questions.slice(0, 6).map((q, i) => `**Q${i + 1}** — ${q}`)),
    Glossary: bullets(glossary),
  });
}

/** The PRD's one-line description, prefixed with the product name unless it starts with it. */
function pitchLine(d: Design): string {
  const pitch = d.facts.pitch;
  return pitch.toLowerCase().startsWith(d.product.toLowerCase()) ? pitch : `${d.product}: ${pitch}`;
}

function capitalize(s: string): string {
  return s.length > 0 ? s[0].toUpperCase() + s.slice(1) : s;
}

function scenarioStimulus(r: Req, d: Design): string {
  switch (r.category) {
    case 'performance':
    case 'latency':
      return `uses ${d.frs[0].title} at peak time`;
    case 'scalability':
      return 'the number of users and records doubles within a quarter';
    case 'throughput':
      return 'traffic reaches the peak request rate for ten minutes';
    case 'availability':
      return 'an infrastructure component fails';
    case 'security':
      return 'tries to read another account’s data';
    default:
      return `exercises ${r.title.toLowerCase()}`;
  }
}

function scenarioResponse(r: Req): string {
  switch (r.category) {
    case 'performance':
    case 'latency':
      return 'the answer is served from the API without waiting on background work';
    case 'scalability':
    case 'throughput':
      return 'stateless instances scale out automatically; the database keeps headroom';
    case 'availability':
      return 'traffic fails over to healthy instances without data loss';
    case 'security':
      return 'the request is rejected (403) and the attempt is audit-logged';
    default:
      return 'the system meets the requirement';
  }
}

function assumedTarget(r: Req): string {
  switch (r.category) {
    case 'performance':
    case 'latency':
      return 'p95 < 300 ms for interactive requests';
    case 'scalability':
      return '1,000 concurrent users in the first year';
    case 'throughput':
      return '200 requests/s at peak';
    case 'availability':
      return '99.9% monthly uptime';
    case 'security':
      return 'no critical or high security finding open at release';
    case 'privacy':
      return 'deletion requests are completed within 30 days';
    case 'operability':
      return 'an incident is detected within 5 minutes';
    default:
      return 'a target will be agreed before release';
  }
}

function assumptionQuestion(r: Req): string {
  switch (r.category) {
    case 'performance':
    case 'latency':
      return 'what response time must the main interactions meet, at which percentile?';
    case 'scalability':
      return 'how many users and how much data must the first year carry?';
    case 'throughput':
      return 'what is the peak request rate?';
    case 'availability':
      return 'what uptime and maintenance windows are acceptable?';
    case 'security':
      return 'which roles exist and what may each one see and change?';
    case 'privacy':
      return 'which personal data is collected and how long may it be kept?';
    case 'operability':
      return 'who is on call and how fast must incidents be detected?';
    default:
      return `what target applies to ${r.id}?`;
  }
}

function step2(d: Design): string {
  const f = d.facts;
  const sys = d.el.system;
  const model = { people: d.model.people, systems: d.model.systems, relationships: d.model.relationships };
  const perfIds = ids(d.perf) || 'the NFRs';
  const chosen = d.pattern.short;
  const row = (name: string, fit: string, verdict: string): string => `| ${name} | ${fit} | ${verdict} |`;
  return assemble(2, `High-Level Architecture — ${d.product}`, {
    Summary: [
      `We choose a **${d.pattern.name}** for ${d.product}: ${d.pattern.why}.`,
      `${code(sys.id)} serves ${listText(d.el.people.map((p) => `${code(p.id)} (${p.name})`))} and depends on ${listText(d.el.externals.map((x) => `${code(x.id)} (${x.name})`))}.`,
      `It delivers ${ids(d.frs)} as modules of one system boundary.`,
      perfLine(d),
    ].join('\n'),
    'Pattern Selection': [
      `Candidates scored against the drivers ${perfIds}${d.security ? ` and ${d.security.id}` : ''}:`,
      '',
      '| Candidate | Fit for the drivers | Verdict |',
      '|---|---|---|',
      row(
        'Modular monolith',
        `In-process calls keep ${d.perf[0]?.id ?? 'latency'} low; one deployable is cheap to run`,
        chosen === 'modular monolith' ? '**Chosen**' : 'Rejected: the PRD asks for independent services',
      ),
      row(
        'Microservices',
        `Independent scaling for ${d.perf.find((r) => r.category === 'scalability')?.id ?? 'growth'}, but network hops and many deployables`,
        chosen === 'microservices'
          ? '**Chosen**'
          : `Rejected: operational cost not justified by ${d.frs.length} capabilities`,
      ),
      row(
        'Event-driven core',
        'Decouples producers and consumers; harder to reason about consistency',
        'Used only for background jobs',
      ),
      row(
        'Serverless functions',
        'Scales to zero; cold starts threaten latency targets',
        `Rejected: cold starts conflict with ${d.perf[0]?.id ?? 'the latency target'}`,
      ),
      '',
      `Decision: ${d.pattern.name}. ${capitalize(d.pattern.why)}. Rejected alternatives are recorded in the ADRs of step 8.`,
    ].join('\n'),
    'System Boundary': [
      `**Inside ${code(sys.id)}:** ${d.frs.map((r) => `${r.title} (${r.id})`).join('; ')}.`,
      '',
      `**Users:** ${d.el.people.map((p) => `${code(p.id)} — ${p.description}`).join('; ')}.`,
      '',
      `**External systems:** ${d.el.externals.map((x) => `${code(x.id)} — ${x.description}`).join('; ')}.`,
      '',
      f.outOfScope
        ? `**Out of scope:** everything the PRD lists under "${f.outOfScope.name}".`
        : '**Out of scope:** anything not in the requirement inventory (assumption; the PRD lists no non-goals).',
    ].join('\n'),
    'System Context': [
      `Level 1 of the C4 model: who uses ${d.product} and what it depends on. Every external element has at least one relationship.`,
      '',
      jsonBlock('archflow-c4', model),
    ].join('\n'),
    'Major Components': [
      bullets(
        d.frs.map(
          (r, i) =>
            `**${r.title} module** (${r.id}) — owns its data and API; ${i === 0 ? `latency-critical path for ${d.perf[0]?.id ?? 'performance'}` : 'called in-process by other modules through its public interface'}.`,
        ),
      ),
      `- **Background jobs** — slow work (notifications, imports, calls to ${listText(d.el.externals.map((x) => x.name))}) leaves the request path to protect ${perfIds}.`,
    ].join('\n'),
  });
}

function step3(d: Design): string {
  const added = d.added ?? EMPTY_MODEL();
  const el = d.el;
  const api = el.api;
  const perfIds = ids(d.perf) || 'the NFRs';
  const apiComponents = el.components.filter((c) => c.container === api?.id);
  const contracts = d.frs.slice(0, 4).map((r, i) => {
    const slug = slugOf(r.title, `feature-${i + 1}`);
    return [
      `### ${r.title} (${r.id})`,
      '',
      bullets([
        `\`GET /api/v1/${slug}?cursor=<opaque>&limit=50\` → \`200 { "items": [...], "nextCursor": "…" }\` (cursor pagination, max 100)`,
        `\`POST /api/v1/${slug}\` with header \`Idempotency-Key\` → \`201 { "id": "…", "version": 1 }\`; a replayed key returns the first result`,
        `\`PATCH /api/v1/${slug}/{id}\` with \`If-Match: <version>\` → \`200\`, or \`409\` on a concurrent edit`,
        'Errors: `400` (validation, RFC 9457 problem+json), `401`, `403`, `404`, `429` with `Retry-After`',
      ]),
    ].join('\n');
  });
  return assemble(3, `Service Architecture — ${d.product}`, {
    Summary: [
      `${code(el.system.id)} is built as ${added.containers.length} containers: ${added.containers.map((c) => `${code(c.id)} (${c.technology})`).join(', ')}.`,
      `${code(api?.id)} holds the domain modules of ${ids(d.frs.slice(0, 4))}; ${code(el.worker?.id)} runs slow work from ${code(el.queue?.id)} so requests stay fast.`,
      perfLine(d),
    ].join('\n'),
    'Service Boundaries': bullets(
      added.containers.map((c) => {
        const owns =
          c.kind === 'database'
            ? `owns the records of ${ids(d.frs)}; only ${code(api?.id)} and ${code(el.worker?.id)} connect to it`
            : c.kind === 'service'
              ? `${c.description}; stateless, scales horizontally (${d.perf.find((r) => r.category === 'scalability')?.id ?? perfIds})`
              : c.description;
        return `${code(c.id)} — **${c.name}** (${c.technology}): ${owns}.`;
      }),
    ),
    'API Contracts': [
      `REST over HTTPS with JSON, versioned in the path (\`/api/v1\`); breaking changes get \`/api/v2\` and a six-month overlap. Authentication with OAuth 2.0 bearer tokens${d.security ? ` (${d.security.id})` : ''}.`,
      '',
      contracts.join('\n\n'),
    ].join('\n'),
    Communication: bullets([
      `**Synchronous:** ${code(el.web?.id)} → ${code(api?.id)} over HTTPS/JSON with a 2 s timeout; ${perfIds} are met on this path because it never waits on external systems.`,
      `**Asynchronous:** ${code(api?.id)} publishes jobs to ${code(el.queue?.id)}; ${code(el.worker?.id)} consumes them with at-least-once delivery, idempotent handlers and a dead-letter queue after 5 attempts.`,
      `**External calls:** ${el.externals.map((x) => code(x.id)).join(', ')} are called with timeouts (3 s), exponential back-off with jitter and a circuit breaker.`,
      '**Back-pressure:** the API returns `429` with `Retry-After` when the queue depth passes its limit; the worker scales on queue depth.',
    ]),
    'Container View': [
      `Level 2 and level 3 additions to the model of step 2 (${code(el.system.id)} and its neighbours keep their ids).`,
      '',
      jsonBlock('archflow-c4', {
        containers: added.containers,
        components: added.components,
        relationships: added.relationships,
      }),
    ].join('\n'),
    'Component Views': [
      ...[api, el.worker]
        .filter((c): c is C4Container => c !== undefined)
        .map((c) => {
          const comps = el.components.filter((x) => x.container === c.id);
          return [
            `### ${c.name} (${code(c.id)})`,
            '',
            bullets(comps.map((x) => `${code(x.id)} — ${x.name}: ${x.description}.`)),
          ].join('\n');
        }),
      '',
      apiComponents.length > 0
        ? `Modules call each other only through their public interfaces; ${code(apiComponents[0].id)} is on the hot path of ${d.perf[0]?.id ?? 'the latency target'}.`
        : '',
    ].join('\n'),
  });
}

function entityName(name: string, i: number): string {
  const words = camelId(name, '', 3);
  if (!words) return `ENTITY_${i + 1}`;
  return words.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function step4(d: Design): string {
  const el = d.el;
  const owner = entityName(d.facts.roles[0], 0);
  const taken = new IdRegistry([owner]);
  const entities = d.frs.slice(0, 5).map((r, i) => ({ name: taken.take(entityName(r.title, i)), req: r }));
  const er = [
    'erDiagram',
    `    ${owner} {`,
    '        uuid id PK',
    '        string email',
    '        timestamptz created_at',
    '    }',
    ...entities.flatMap((e) => [
      `    ${e.name} {`,
      '        uuid id PK',
      `        uuid ${owner.toLowerCase()}_id FK`,
      '        int version',
      '        timestamptz updated_at',
      '    }',
    ]),
    ...entities.map((e) => `    ${owner} ||--o{ ${e.name} : owns`),
  ].join('\n');
  const scal = d.perf.find((r) => r.category === 'scalability');
  const avail = d.perf.find((r) => r.category === 'availability');
  return assemble(4, `Data Architecture — ${d.product}`, {
    Summary: [
      `${d.product} keeps its system of record in ${code(el.db?.id)} (${el.db?.technology ?? 'PostgreSQL'})${el.cache ? `, hot reads in ${code(el.cache.id)}` : ''}${el.storage ? `, files in ${code(el.storage.id)}` : ''}.`,
      `Each module of ${code(el.api?.id)} owns its tables; no module reads another's tables directly.`,
      perfLine(d),
    ].join('\n'),
    'Data Model': [
      `One schema per module in ${code(el.db?.id)}; every row carries a \`version\` for optimistic locking.`,
      '',
      '```mermaid',
      er,
      '```',
      '',
      bullets(
        entities.map(
          (e) =>
            `\`${e.name}\` — records of ${e.req.title} (${e.req.id}), owned by ${code(el.components[d.frs.indexOf(e.req)]?.id ?? el.api?.id)}.`,
        ),
      ),
    ].join('\n'),
    'Storage Choices': [
      '| Data set | Store | Why |',
      '|---|---|---|',
      `| ${listText(entities.map((e) => e.name))} | ${code(el.db?.id)} (${el.db?.technology ?? 'PostgreSQL'}) | Relational integrity and transactions; read replicas for ${scal?.id ?? 'growth'} |`,
      el.cache
        ? `| Sessions, hot lookups | ${code(el.cache.id)} (${el.cache.technology}) | Sub-millisecond reads for ${d.perf[0]?.id ?? 'latency'}; TTL 5 min, rebuilt from the database |`
        : '',
      el.queue
        ? `| Jobs | ${code(el.queue.id)} (${el.queue.technology}) | Durable hand-off to ${code(el.worker?.id)}; 7-day retention |`
        : '',
      el.storage ? `| Files, exports | ${code(el.storage.id)} | Cheap, durable blobs served through signed URLs |` : '',
    ]
      .filter(Boolean)
      .join('\n'),
    'Data Flows': [
      `1. A ${d.facts.roles[0].toLowerCase()} writes through ${code(el.web?.id)} → ${code(el.api?.id)} → ${code(el.db?.id)} in one transaction; an outbox row records the event.`,
      `2. The outbox relay publishes to ${code(el.queue?.id)}; ${code(el.worker?.id)} processes the job and records the result.`,
      `3. Reads go to the primary for read-your-writes and to replicas for lists and reports (${scal?.id ?? ids(d.perf)}).`,
      `4. Calls to ${listText(el.externals.map((x) => code(x.id)))} carry only the fields they need; responses are stored with their source.`,
    ].join('\n'),
    'Retention and Recovery': bullets([
      `Point-in-time recovery with 7 days of WAL and daily snapshots kept 35 days: RPO 5 minutes, RTO 1 hour${avail ? ` (supports ${avail.id}${avail.target ? `, ${avail.target}` : ''})` : ''} — assumption until the PRD owner confirms.`,
      'Personal data is classified confidential, encrypted at rest, and deleted or anonymised on account deletion within 30 days.',
      'Restore drills run quarterly against a scratch environment.',
    ]),
    'Migration Plan': /\b(migrat|legacy|existing system)/i.test(d.facts.pitch + (d.ctx.prd?.text ?? ''))
      ? bullets([
          'Phase 1: backfill the new schema from the existing system with idempotent import jobs.',
          'Phase 2: dual-write for two weeks and compare nightly.',
          'Phase 3: switch reads, keep the old store read-only for 30 days, then retire it; rollback is re-pointing reads.',
        ])
      : 'No existing system is named in the PRD, so there is no data migration (assumption). Schema changes use expand/contract migrations run by the deployment pipeline.',
  });
}

function step5(d: Design): string {
  const el = d.el;
  const scal = d.perf.find((r) => r.category === 'scalability');
  const avail = d.perf.find((r) => r.category === 'availability');
  const services = el.containers.filter((c) => c.kind === 'service' || c.kind === 'webapp');
  return assemble(5, `Infrastructure Architecture — ${d.product}`, {
    Summary: [
      `${d.product} runs on a managed container platform in one region across three availability zones, with a managed ${el.db?.technology ?? 'PostgreSQL'} for ${code(el.db?.id)}.`,
      `Stateless containers (${services.map((c) => code(c.id)).join(', ')}) scale horizontally; data stores are managed services with multi-AZ replicas.`,
      perfLine(d),
    ].join('\n'),
    'Platform and Environments': bullets([
      'Managed Kubernetes (or an equivalent container service) in one region, three availability zones; the provider is an assumption until the PRD owner confirms.',
      '`dev` (per-branch previews), `staging` (production-like, anonymised data) and `production`.',
      `Managed data services: ${[el.db, el.cache, el.queue, el.storage]
        .filter((c): c is C4Container => c !== undefined)
        .map((c) => `${code(c.id)} (${c.technology})`)
        .join(', ')}.`,
    ]),
    'Network and Security Groups': bullets([
      `Public subnets hold only the load balancer and WAF in front of ${code(el.web?.id)} and ${code(el.api?.id)}.`,
      `Private subnets hold the services; data subnets hold ${code(el.db?.id)}${el.cache ? ` and ${code(el.cache.id)}` : ''} with no internet route.`,
      `Security groups: load balancer → ${code(el.api?.id)} on 443; ${code(el.api?.id)} and ${code(el.worker?.id)} → ${code(el.db?.id)} on 5432; nothing else reaches the data subnets.`,
      `Egress to ${listText(el.externals.map((x) => code(x.id)))} goes through a NAT gateway with an allow-list.`,
    ]),
    'Scaling and High Availability': [
      '| Container | Scales on | Min–max |',
      '|---|---|---|',
      ...services.map(
        (c) =>
          `| ${code(c.id)} | ${c.id === el.worker?.id ? 'queue depth' : 'CPU 60% and p95 latency'} | ${c.id === el.worker?.id ? '1–10' : '2–20'} |`,
      ),
      `| ${code(el.db?.id)} | vertical + read replicas | 1 primary, 2 replicas |`,
      '',
      `At least two instances per service across zones give ${avail?.id ?? 'availability'}${avail?.target ? ` (${avail.target})` : ''}; autoscaling covers ${scal?.id ?? 'growth'}${scal?.target ? ` (${scal.target})` : ''}; ${d.perf[0]?.id ?? 'latency'} is protected by the cache and by keeping slow work on the worker.`,
    ].join('\n'),
    'Deployment Architecture': bullets([
      'Infrastructure as code (Terraform) in the same repository; every change is planned in CI and applied after review.',
      'CI builds one container image per service, scans it, and deploys to staging automatically.',
      'Production releases are canaries (10% for 15 minutes, automatic rollback on SLO burn) with database migrations in expand/contract form.',
      'Configuration comes from environment variables; secrets from the cloud secret manager, never from images.',
    ]),
    'Cost Estimate': [
      'Rough monthly range for production, assuming the load of the NFR targets (or the assumptions of step 1):',
      '',
      '| Item | Monthly (USD) |',
      '|---|---|',
      '| Container platform (4–8 vCPU) | 300–700 |',
      `| ${code(el.db?.id)} multi-AZ with replicas | 400–900 |`,
      '| Cache, queue, storage, egress | 150–400 |',
      '| Observability | 100–300 |',
      '| **Total** | **950–2,300** |',
      '',
      'Staging adds about 30%. The range is an assumption to confirm with the PRD owner.',
    ].join('\n'),
  });
}

function step6(d: Design): string {
  const el = d.el;
  const sec = d.security?.id ?? d.nfrs[0]?.id ?? 'NFR-1';
  const perf = d.perf[0]?.id;
  const apiId = el.api?.id ?? el.system.id;
  const findings: Finding[] = [
    {
      id: 'SEC-1',
      severity: 'high',
      title: 'Stolen access tokens could be replayed against the API',
      element: apiId,
      stride: 'Spoofing',
      recommendation:
        'Short-lived access tokens (15 min) validated on every request, rotating refresh tokens, revocation on logout',
      status: 'mitigated',
      requirements: [sec],
    },
    {
      id: 'SEC-2',
      severity: 'medium',
      title: 'Public endpoints have no per-client rate limit',
      element: el.web?.id ?? apiId,
      stride: 'Denial of service',
      recommendation: 'Rate-limit per token and per IP at the gateway; return 429 with Retry-After',
      status: 'open',
      requirements: perf ? [sec, perf] : [sec],
    },
    {
      id: 'SEC-3',
      severity: 'medium',
      title: 'Backups are encrypted with a provider-managed key only',
      element: el.db?.id ?? el.system.id,
      stride: 'Information disclosure',
      recommendation: 'Use a customer-managed KMS key for the database and its snapshots',
      status: 'open',
      requirements: [sec],
    },
    {
      id: 'SEC-4',
      severity: 'low',
      title: 'Administrative actions are not yet in the audit log',
      element: null,
      stride: 'Repudiation',
      recommendation: 'Write an append-only audit event for every role change and data export',
      status: 'open',
      requirements: [sec],
    },
  ];
  const ext = el.externals[0];
  if (ext) {
    findings.push({
      id: 'SEC-5',
      severity: 'low',
      title: `Callbacks from ${ext.name} are not yet signature-checked`,
      element: ext.id,
      stride: 'Tampering',
      recommendation: `Verify ${ext.name} request signatures and reject replays older than 5 minutes`,
      status: 'open',
      requirements: [sec],
    });
  }
  const review: SecurityReview = { verdict: 'pass', findings };
  const stride = el.containers.length > 0 ? el.containers : [el.system];
  return assemble(6, `Security Architecture — ${d.product}`, {
    Summary: [
      `The design of ${d.product} passes the security review: ${findings.length} findings, none critical, one high (SEC-1) already mitigated by the token design of ${code(apiId)}.`,
      `Open items are medium or low and have owners. Security requirement: ${sec}.`,
      perfLine(d),
    ].join('\n'),
    'Threat Model': [
      `Trust boundaries: the internet ↔ load balancer; ${code(el.api?.id)} ↔ data subnets; ${code(el.system.id)} ↔ ${listText(el.externals.map((x) => code(x.id)))}.`,
      '',
      '| Element | Main STRIDE threats | Control |',
      '|---|---|---|',
      ...stride.map(
        (c) =>
          `| ${code(c.id)} | ${strideFor('kind' in c ? c.kind : 'other')} | ${controlFor('kind' in c ? c.kind : 'other')} |`,
      ),
      '',
      `Data classification: account and personal data confidential; ${d.frs[0]?.title ?? 'domain'} data internal.`,
    ].join('\n'),
    'Security Controls': bullets([
      `**Authentication:** OIDC with ${el.externals.find((x) => /identity|auth|okta/i.test(x.name))?.name ?? 'a managed identity provider'}; MFA for administrators (${sec}).`,
      `**Authorization:** role-based (${listText(el.people.map((p) => p.name))}), checked in ${code(apiId)} on every request; tenant id on every row.`,
      '**Secrets:** cloud secret manager, rotated every 90 days, never in images or logs.',
      '**Encryption:** TLS 1.2+ everywhere; encryption at rest for every data store.',
      '**Input validation:** schema validation at the API edge; parameterised SQL only.',
      '**Supply chain:** lockfiles, dependency scanning in CI, signed images.',
      d.facts.regulations.length > 0
        ? `**Compliance:** ${listText(d.facts.regulations)} duties mapped to the controls of this section.`
        : '**Compliance:** no regulation named in the PRD (assumption).',
    ]),
    Findings: jsonBlock('archflow-findings', review),
    Verdict: [
      'Verdict: pass',
      '',
      'Open critical and high findings: none (SEC-1, high, is mitigated by short-lived tokens and revocation in `03-service-architecture.md`). Accepted findings: none.',
    ].join('\n'),
  });
}

function strideFor(kind: string): string {
  switch (kind) {
    case 'webapp':
    case 'mobile':
      return 'Spoofing, tampering (XSS)';
    case 'service':
    case 'function':
      return 'Spoofing, elevation of privilege, denial of service';
    case 'database':
    case 'storage':
      return 'Information disclosure, tampering';
    case 'queue':
    case 'cache':
      return 'Tampering, information disclosure';
    default:
      return 'Spoofing, information disclosure';
  }
}

function controlFor(kind: string): string {
  switch (kind) {
    case 'webapp':
    case 'mobile':
      return 'Strict CSP, HttpOnly cookies';
    case 'service':
    case 'function':
      return 'Token validation, RBAC, rate limits';
    case 'database':
    case 'storage':
      return 'Private subnet, encryption at rest, least-privilege roles';
    case 'queue':
    case 'cache':
      return 'Private subnet, TLS, auth tokens';
    default:
      return 'TLS, authentication';
  }
}

function step7(d: Design): string {
  const el = d.el;
  const services = el.containers.filter((c) => c.kind === 'service' || c.kind === 'webapp' || c.kind === 'function');
  const slos = d.perf.map((r) => {
    const target = r.target ?? assumedTarget(r);
    const sli =
      r.category === 'availability'
        ? 'share of successful requests (non-5xx)'
        : r.category === 'scalability' || r.category === 'throughput'
          ? 'requests served within target at peak load'
          : 'p95 latency of API requests';
    return `| ${r.id} | ${sli} | ${target}${r.target ? '' : ' (assumed)'} | burn rate > 2 over 1 h → page; > 1 over 6 h → ticket |`;
  });
  return assemble(7, `Observability Design — ${d.product}`, {
    Summary: [
      `${d.product} is observed with OpenTelemetry end to end: structured logs, RED metrics for ${services.map((c) => code(c.id)).join(', ') || code(el.system.id)}, and traces across ${code(el.queue?.id)}.`,
      `SLOs derive from the NFR targets; alerts fire on symptoms (error budget burn), not causes.`,
      perfLine(d),
    ].join('\n'),
    Logging: bullets([
      'JSON logs with `timestamp`, `level`, `service`, `trace_id`, `span_id`, `request_id` and `user_role`.',
      'Never logged: secrets, tokens, passwords, full personal data (emails are hashed).',
      'Retention: 14 days hot, 90 days archived; audit events 1 year.',
    ]),
    Metrics: bullets([
      `**RED** per endpoint of ${code(el.api?.id)}: rate, errors, duration histograms (p50/p95/p99) — the source of ${d.perf[0]?.id ?? 'latency'} SLIs.`,
      `**USE** for ${code(el.db?.id)}${el.cache ? `, ${code(el.cache.id)}` : ''} and ${code(el.queue?.id)}: utilisation, saturation (queue depth, connections), errors.`,
      `**Business:** usage of ${listText(d.frs.slice(0, 3).map((r) => `${r.title} (${r.id})`))}.`,
    ]),
    Tracing: bullets([
      `W3C trace context propagated from ${code(el.web?.id)} through ${code(el.api?.id)} into job headers on ${code(el.queue?.id)} and on to ${code(el.worker?.id)}.`,
      `Spans for every call to ${listText(el.externals.map((x) => code(x.id)))} and every database query over 50 ms.`,
      'Head sampling at 10%, tail sampling keeps every error and every trace slower than the SLO.',
    ]),
    'SLOs and Alerts': [
      '| NFR | SLI | SLO | Alert |',
      '|---|---|---|---|',
      ...slos,
      '',
      'Each alert links to a runbook under `docs/runbooks/` named after the SLO.',
    ].join('\n'),
    Dashboards: bullets([
      `**Service overview:** SLO status and error budget for ${ids(d.perf) || 'each SLO'}.`,
      `**Per container:** RED and USE panels for ${services.map((c) => code(c.id)).join(', ') || code(el.system.id)}.`,
      `**Product:** adoption of ${d.frs[0]?.title ?? 'the main feature'} and funnel per ${d.facts.roles[0].toLowerCase()}.`,
    ]),
  });
}

interface AdrTemplate {
  key: string;
  build: (d: Design) => Omit<AdrDraft, 'key'>;
}

function elementIds(...xs: (C4Container | C4System | undefined)[]): string[] {
  return [...new Set(xs.filter((x): x is C4Container | C4System => x !== undefined).map((x) => x.id))];
}

function reqIds(d: Design, ...xs: (Req | undefined)[]): string[] {
  const out = [...new Set(xs.filter((x): x is Req => x !== undefined).map((x) => x.id))];
  return out.length > 0 ? out : [d.reqs[0]?.id ?? 'FR-1'];
}

const ADR_TEMPLATES: AdrTemplate[] = [
  {
    key: 'architecture-style',
    build: (d) => ({
      title: `Use a ${d.pattern.name.toLowerCase()} for ${d.product}`,
      status: 'accepted',
      context: `${ids(d.perf) || 'The NFRs'} drive the design: ${d.perf.map(describeReq).join('; ') || 'no measurable targets yet'}. ${d.product} has ${d.frs.length} capabilities (${ids(d.frs.slice(0, 3))}, …) and one team is assumed.`,
      decision: `We will build ${d.product} as a ${d.pattern.name.toLowerCase()}: ${d.pattern.why}.`,
      consequences: {
        positive: [
          'One deployable for the request path; simple local development and debugging',
          `In-process calls keep ${d.perf[0]?.id ?? 'latency'} within target`,
        ],
        negative: ['Module boundaries need discipline and an architecture test', 'All modules scale together'],
      },
      alternatives: [
        {
          option: 'Microservices',
          rejectedBecause: `Operational cost and network hops are not justified by ${d.frs.length} capabilities`,
        },
        {
          option: 'Serverless functions',
          rejectedBecause: `Cold starts threaten ${d.perf[0]?.id ?? 'the latency target'}`,
        },
      ],
      requirements: reqIds(d, ...d.perf, d.frs[0]),
      elements: elementIds(d.el.system, d.el.api),
    }),
  },
  {
    key: 'primary-data-store',
    build: (d) => ({
      title: `Keep ${d.product} records in ${d.el.db?.technology ?? 'PostgreSQL'}`,
      status: 'accepted',
      context: `${ids(d.frs.slice(0, 3))} need transactions and relational integrity; ${d.perf.find((r) => r.category === 'scalability')?.id ?? 'growth'} needs read scaling.`,
      decision: `We will use one managed ${d.el.db?.technology ?? 'PostgreSQL'} cluster with a schema per module, read replicas and point-in-time recovery.`,
      consequences: {
        positive: ['Transactions and constraints protect data integrity', 'Managed backups give RPO 5 minutes'],
        negative: [
          'Write throughput is bounded by one primary',
          'Cross-module joins are forbidden by convention, not by the database',
        ],
      },
      alternatives: [
        { option: 'Document database', rejectedBecause: 'The data is relational and needs multi-record transactions' },
        { option: 'Database per module', rejectedBecause: 'Multiplies operations cost for a single team' },
      ],
      requirements: reqIds(
        d,
        d.perf.find((r) => r.category === 'scalability'),
        d.perf.find((r) => r.category === 'availability'),
        d.frs[0],
      ),
      elements: elementIds(d.el.db ?? d.el.system),
    }),
  },
  {
    key: 'async-processing',
    build: (d) => ({
      title: 'Move slow work to a job queue and a background worker',
      status: 'accepted',
      context: `Calls to ${listText(d.el.externals.map((x) => x.name))} and batch work would slow the request path and threaten ${ids(d.perf) || 'the latency target'}.`,
      decision: `We will publish jobs to ${d.el.queue ? `\`${d.el.queue.id}\`` : 'a durable queue'} through a transactional outbox and process them in ${d.el.worker ? `\`${d.el.worker.id}\`` : 'a worker'} with idempotent handlers.`,
      consequences: {
        positive: ['Request latency is independent of external systems', 'Bursts are absorbed by the queue'],
        negative: ['Eventual consistency for background results', 'One more component to run and monitor'],
      },
      alternatives: [
        {
          option: 'Synchronous calls with retries',
          rejectedBecause: 'Retries inside requests multiply latency under failure',
        },
      ],
      requirements: reqIds(d, ...d.perf),
      elements: elementIds(d.el.queue, d.el.worker, d.el.system),
    }),
  },
  {
    key: 'deployment-platform',
    build: (d) => ({
      title: 'Run the containers on a managed container platform across three zones',
      status: 'proposed',
      context: `${d.perf.find((r) => r.category === 'availability')?.id ?? 'Availability'} requires surviving a zone failure; the hosting provider is not named in the PRD.`,
      decision:
        'We will deploy container images to a managed Kubernetes service with at least two replicas per service in three availability zones, managed by Terraform.',
      consequences: {
        positive: ['Zone failures do not take the service down', 'Autoscaling per container'],
        negative: ['Kubernetes has a learning curve', 'Baseline cost even at low load'],
      },
      alternatives: [
        { option: 'Platform-as-a-service', rejectedBecause: 'Less control over networking and security groups' },
        { option: 'Virtual machines', rejectedBecause: 'Slow, manual scaling' },
      ],
      requirements: reqIds(
        d,
        d.perf.find((r) => r.category === 'availability'),
        d.perf.find((r) => r.category === 'scalability'),
      ),
      elements: elementIds(d.el.api, d.el.web, d.el.system),
    }),
  },
  {
    key: 'observability-stack',
    build: (d) => ({
      title: 'Instrument every service with OpenTelemetry',
      status: 'accepted',
      context: `SLOs for ${ids(d.perf) || 'the NFRs'} need consistent metrics and traces across the API, queue and worker.`,
      decision: 'We will use the OpenTelemetry SDKs and collector, exporting to one managed backend.',
      consequences: {
        positive: ['Vendor-neutral instrumentation', 'Traces cross the queue'],
        negative: ['Collector to operate', 'Sampling must be tuned to control cost'],
      },
      alternatives: [{ option: 'Vendor agent', rejectedBecause: 'Lock-in and weaker queue propagation' }],
      requirements: reqIds(
        d,
        ...d.perf,
        d.nfrs.find((r) => r.category === 'operability'),
      ),
      elements: elementIds(d.el.api, d.el.worker, d.el.system),
    }),
  },
];

function adrsFor(d: Design, existing: ExistingDecision[]): AdrDraft[] {
  const out: AdrDraft[] = [];
  // Every existing key appears again, so no ADR loses its number.
  for (const e of existing) {
    const t = ADR_TEMPLATES.find((x) => x.key === e.key);
    if (t) {
      out.push({ key: e.key, ...t.build(d), supersedes: null });
      continue;
    }
    out.push({
      key: e.key,
      title: e.title,
      status: 'accepted',
      context: `Recorded as ADR ${String(e.number).padStart(4, '0')}; still relevant to ${ids(d.perf) || 'the NFRs'}.`,
      decision: `We keep the decision "${e.title}".`,
      consequences: {
        positive: ['Continuity with the existing design'],
        negative: ['Revisit when the drivers change'],
      },
      alternatives: [{ option: 'Reverse the decision', rejectedBecause: 'Nothing in the current PRD requires it' }],
      requirements: reqIds(d, ...d.perf),
      elements: elementIds(d.el.system),
      supersedes: null,
    });
  }
  for (const t of ADR_TEMPLATES) {
    if (out.length >= 4) break;
    if (out.some((a) => a.key === t.key)) continue;
    out.push({ key: t.key, ...t.build(d), supersedes: null });
  }
  return out;
}

/** How an NFR is met, and which document designs it. */
function mechanismFor(r: Req, d: Design): string {
  switch (r.category) {
    case 'availability':
      return `two or more instances per container across three zones, managed database failover (\`05-infrastructure-architecture.md\`)`;
    case 'scalability':
    case 'throughput':
      return `stateless ${code(d.el.api?.id)} scaled on load, read replicas of ${code(d.el.db?.id)} (\`05-infrastructure-architecture.md\`)`;
    default:
      return `no external call on the request path${d.el.cache ? `, hot reads from ${code(d.el.cache.id)}` : ''} (\`03-service-architecture.md\`)`;
  }
}

function step8(d: Design): string {
  const el = d.el;
  const adrs = adrsFor(d, d.ctx.existingDecisions);
  const securityDoc = upstream(d.ctx.documents, 6);
  const review = securityDoc
    ? (parseBlock(securityDoc.text, 'archflow-findings') as Partial<SecurityReview> | undefined)
    : undefined;
  const openFindings = (review?.findings ?? []).filter((x) => x && x.status === 'open').slice(0, 3);
  const noTarget = d.nfrs.filter((r) => !r.target);
  const risks = [
    ...openFindings.map((x) => `**${x.id}** (${x.severity}) — ${x.title}; recommended: ${x.recommendation}.`),
    `**Dependency on ${listText(el.externals.map((x) => x.name))}** — outages degrade ${d.frs[0]?.title ?? 'the main feature'}; mitigated by timeouts and the job queue.`,
    noTarget.length > 0
      ? `**Unconfirmed targets** — ${ids(noTarget)} rest on assumptions from step 1.`
      : `**Tight targets** — ${ids(d.perf)} need load tests before launch.`,
  ];
  const proposed = adrs.filter((a) => a.status === 'proposed');
  return assemble(8, `Executive Summary — ${d.product}`, {
    Problem: [
      pitchLine(d),
      `The architecture must deliver ${ids(d.frs)} for ${listText(el.people.map((p) => p.name))} while meeting ${d.perf.map(describeReq).join('; ') || 'its quality goals'}.`,
    ].join('\n'),
    'Chosen Architecture': [
      `${d.product} is a ${d.pattern.name.toLowerCase()} (${code(el.system.id)}).`,
      `${code(el.web?.id)} calls ${code(el.api?.id)}, which owns the domain modules and stores records in ${code(el.db?.id)}.`,
      `Slow work and calls to ${listText(el.externals.map((x) => code(x.id)))} go through ${code(el.queue?.id)} to ${code(el.worker?.id)}.`,
      'It runs on a managed container platform across three zones, deployed by canary releases.',
      'The security review passed; OpenTelemetry provides the SLOs and alerts.',
      '',
      bullets(d.perf.map((r) => `${describeReq(r)} → ${mechanismFor(r, d)}`)),
    ].join('\n'),
    'Top Risks': bullets(risks),
    'Decisions Needed': [
      bullets([
        ...proposed.map(
          (a) => `Approve \`${a.key}\` — ${a.title} (status proposed); it blocks the infrastructure build-out.`,
        ),
        ...noTarget
          .slice(0, 3)
          .map(
            (r) =>
              `Confirm a target for ${r.id} (${r.category}): we recommend ${assumedTarget(r)}, as assumed in \`01-architecture-context.md\`.`,
          ),
        'Record stakeholder approval of this architecture.',
      ]),
      '',
      `The decisions behind the design (${adrs.length} ADRs):`,
      '',
      jsonBlock('archflow-adrs', { adrs }),
    ].join('\n'),
  });
}
