/** The design as the fake model sees it for one request: PRD facts, requirement ids, the pattern and the C4 model. */
import {
  EMPTY_C4,
  PERFORMANCE_CATEGORIES,
  type C4Component,
  type C4Container,
  type C4Model,
  type C4Person,
  type C4System,
  type Requirement,
} from '../../../src/core/model';
import { level1Of } from '../../../src/core/stepOutput';
import type { StepId } from '../../../src/core/steps';
import { analysePrd, camelId, type PrdFacts } from '../prd';
import type { RequestContext } from '../request';
import { modelFromRequest } from './c4FromRequest';
import { containerModel, contextModel, mergeModels, withContainers } from './c4Model';
import { requirementsFor, requirementsFromUpstream } from './requirements';

/** The architecture style the fake model picks, and why. */
export interface Pattern {
  name: string;
  short: string;
  why: string;
}

/** The model's elements by the role they play in the documents (the first of each kind). */
export interface Elements {
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

/** Everything a step's writer reads. */
export interface Design {
  step: StepId;
  ctx: RequestContext;
  facts: PrdFacts;
  product: string;
  reqs: Requirement[];
  frs: Requirement[];
  nfrs: Requirement[];
  /** NFRs of the performance-like categories (cited by every design step). */
  perf: Requirement[];
  security?: Requirement;
  pattern: Pattern;
  model: C4Model;
  /** Step 3: the containers, components and their relationships it returns. */
  added?: C4Model;
  el: Elements;
}

/** What a step needs to write its document: the PRD facts, the requirements and the model it sees. */
export function buildDesign(step: StepId, ctx: RequestContext): Design {
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
      model = given ?? (step === 1 ? EMPTY_C4 : withContainers(facts));
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
