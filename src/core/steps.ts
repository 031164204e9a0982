/**
 * The eight steps of the design workflow: one typed table, the only place step metadata lives.
 * Everything else (the engine, the prompts, parsing, assembly, the exit criteria, the hosts) asks
 * the table, never a step number.
 */
import type { AppendixPart, ArchitectureSection } from './architectureOutline';

export type AgentId =
  | 'architect-review'
  | 'backend-architect'
  | 'database-architect'
  | 'cloud-architect'
  | 'security-auditor'
  | 'observability-engineer';

export const AGENTS: readonly AgentId[] = [
  'architect-review',
  'backend-architect',
  'database-architect',
  'cloud-architect',
  'security-auditor',
  'observability-engineer',
];

export type StepId = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** A structured part a step must emit as a fenced block (see docs/adr/0002-model-output-format.md). */
export type BlockKind = 'requirements' | 'c4' | 'deployment' | 'additions' | 'findings' | 'adrs';

/**
 * The H2 section, last in each design document, that holds the step's `additions` block: the
 * assumptions, risks and open questions it adds. Code merges them into ARCHITECTURE.md's appendix.
 */
export const ADDITIONS_SECTION = 'Assumptions, Risks and Questions';

/** A level of the C4 model: 1 System Context, 2 Container, 3 Component. */
export type C4Level = 1 | 2 | 3;

/** What a step reads besides the documents of the steps it needs. */
export interface StepReads {
  /** The PRD. Its hash is one of the step's inputs (an edit makes the step stale). */
  prd: boolean;
  /** The C4 model file (diagrams/c4-model.json), as a context document. */
  c4Model: boolean;
  /** Its own previous document, so a re-run keeps the ids later documents already cite. */
  previous: boolean;
  /** The decisions recorded so far (keys, numbers, titles), so a re-run keeps their numbers. */
  decisions: boolean;
}

/** Where part of a step's document lands in ARCHITECTURE.md. */
export interface Placement {
  /** One of the eleven sections, or an appendix part. */
  into: ArchitectureSection | AppendixPart;
  /** Only these H2 sections of the document (by heading), or all but these. */
  only?: string[];
  except?: string[];
}

export interface StepDef {
  id: StepId;
  /** Short name, used in titles ("Step 3 — Service Design"). */
  name: string;
  agent: AgentId;
  /** Steps whose documents this step reads (its inputs, and its edges in the DAG). */
  needs: StepId[];
  reads: StepReads;
  /**
   * The documents of `needs` it builds on, given whole; the others it may be given as their
   * digest (their summary, headings and the rows that define ids, docs/adr/0019). Absent: every
   * document of `needs`.
   */
  buildsOn?: StepId[];
  /** Primary document, relative to the output folder. */
  document: string;
  /** H2 headings the document must contain, in this order. */
  sections: string[];
  /**
   * Fenced structured blocks the output must contain. They also name the step's role: the step
   * with `requirements` is the requirement inventory, `findings` the security review, `adrs` the
   * decision records.
   */
  blocks: BlockKind[];
  /**
   * The C4 levels its `c4` block adds (present exactly when `blocks` has `c4`). A step that adds
   * level 1 replaces the model's level 1 and drops the rest; one that adds levels 2-3 keeps level 1
   * and replaces the levels below it. Its document shows the view of its highest level.
   */
  c4Levels?: C4Level[];
  /** Its sections are design sections: requirement ids cited there count in the traceability matrix. */
  traced: boolean;
  /** Where its document goes in ARCHITECTURE.md, in order. */
  placement: Placement[];
  /** Its H1 names the system in ARCHITECTURE.md's title, after this prefix ("High-Level Architecture — Shop"). */
  systemTitlePrefix?: string;
  /** How the exit criteria say what a stale step is measured against ("since the security review ran"). */
  since?: string;
  /**
   * The numbers of the assumptions, risks and open questions it may define (`A-n`, `R-n`, `Q-n`):
   * a range of its own, so two steps never give one id two meanings, even when they run apart.
   */
  ids?: { from: number; to: number };
  /** Task prompt file name under prompts/steps/. */
  prompt: string;
  /**
   * How the step is written in parts (docs/adr/0017-steps-written-in-section-groups.md): after a
   * short outline call, one call a group of H2 sections, in parallel. The groups, concatenated, are
   * `sections` in order; the first also writes the H1. Absent: the step is one call (or, with
   * `adrs`, the decision step's own parts, docs/adr/0014).
   */
  sectionGroups?: string[][];
  /** The H2 section each of its fenced blocks is written in (the part that writes the section writes the block). */
  blockSections?: Partial<Record<BlockKind, string>>;
}

/** What most steps read: the PRD, and the C4 model once it exists. */
const READS: StepReads = { prd: true, c4Model: true, previous: false, decisions: false };

export const STEPS: readonly StepDef[] = [
  {
    id: 1,
    name: 'Context Analysis',
    agent: 'architect-review',
    needs: [],
    document: '01-architecture-context.md',
    sections: [
      'Summary',
      'Business Goals and Drivers',
      'Requirement Inventory',
      'Quality Attribute Scenarios',
      'Constraints',
      'Assumptions',
      'Risks',
      'Open Questions',
      'Glossary',
    ],
    reads: { ...READS, c4Model: false, previous: true },
    blocks: ['requirements'],
    ids: { from: 1, to: 199 },
    traced: false,
    placement: [
      { into: 'Architecture Drivers', except: ['Risks', 'Glossary'] },
      { into: 'glossary', only: ['Glossary'] },
      { into: 'risks', only: ['Risks'] },
    ],
    prompt: '1-context-analysis.md',
    sectionGroups: [
      ['Summary', 'Business Goals and Drivers', 'Requirement Inventory'],
      ['Quality Attribute Scenarios', 'Constraints', 'Assumptions'],
      ['Risks', 'Open Questions', 'Glossary'],
    ],
    blockSections: { requirements: 'Requirement Inventory' },
  },
  {
    id: 2,
    name: 'High-Level Design',
    agent: 'architect-review',
    needs: [1],
    buildsOn: [1],
    document: '02-high-level-architecture.md',
    sections: [
      'Summary',
      'Pattern Selection',
      'System Boundary',
      'System Context',
      'Major Components',
      ADDITIONS_SECTION,
    ],
    reads: { ...READS, c4Model: false },
    blocks: ['c4', 'additions'],
    c4Levels: [1],
    ids: { from: 201, to: 299 },
    traced: true,
    placement: [
      { into: 'High-Level Architecture', except: [ADDITIONS_SECTION] },
      { into: 'register', only: [ADDITIONS_SECTION] },
    ],
    systemTitlePrefix: 'High-Level Architecture',
    prompt: '2-high-level-design.md',
    sectionGroups: [
      ['Summary', 'Pattern Selection'],
      ['System Boundary', 'System Context'],
      ['Major Components', ADDITIONS_SECTION],
    ],
    blockSections: { c4: 'System Context', additions: ADDITIONS_SECTION },
  },
  {
    id: 3,
    name: 'Service Design',
    agent: 'backend-architect',
    needs: [1, 2],
    buildsOn: [2],
    document: '03-service-architecture.md',
    sections: [
      'Summary',
      'Service Boundaries',
      'API Contracts',
      'Communication',
      'Container View',
      'Component Views',
      ADDITIONS_SECTION,
    ],
    reads: READS,
    blocks: ['c4', 'additions'],
    c4Levels: [2, 3],
    ids: { from: 301, to: 399 },
    traced: true,
    placement: [
      { into: 'Component Design', except: [ADDITIONS_SECTION] },
      { into: 'register', only: [ADDITIONS_SECTION] },
    ],
    prompt: '3-service-design.md',
    sectionGroups: [
      ['Summary', 'Service Boundaries', 'API Contracts'],
      ['Communication'],
      ['Container View', 'Component Views', ADDITIONS_SECTION],
    ],
    blockSections: { c4: 'Container View', additions: ADDITIONS_SECTION },
  },
  {
    id: 4,
    name: 'Data Architecture',
    agent: 'database-architect',
    needs: [1, 2, 3],
    buildsOn: [3],
    document: '04-data-architecture.md',
    sections: [
      'Summary',
      'Data Model',
      'Storage Choices',
      'Data Flows',
      'Retention and Recovery',
      'Migration Plan',
      ADDITIONS_SECTION,
    ],
    reads: READS,
    blocks: ['additions'],
    ids: { from: 401, to: 499 },
    traced: true,
    placement: [
      { into: 'Data Architecture', except: [ADDITIONS_SECTION] },
      { into: 'register', only: [ADDITIONS_SECTION] },
    ],
    prompt: '4-data-architecture.md',
    sectionGroups: [
      ['Summary', 'Data Model'],
      ['Storage Choices', 'Data Flows'],
      ['Retention and Recovery', 'Migration Plan', ADDITIONS_SECTION],
    ],
    blockSections: { additions: ADDITIONS_SECTION },
  },
  {
    id: 5,
    name: 'Infrastructure',
    agent: 'cloud-architect',
    // It hosts the data architecture's stores as sized there (docs/adr/0008-handovers-by-dependency.md).
    needs: [1, 2, 3, 4],
    buildsOn: [4],
    document: '05-infrastructure-architecture.md',
    sections: [
      'Summary',
      'Platform and Environments',
      'Network and Security Groups',
      'Scaling and High Availability',
      'Deployment Architecture',
      'Cost Estimate',
      ADDITIONS_SECTION,
    ],
    reads: READS,
    blocks: ['deployment', 'additions'],
    ids: { from: 501, to: 599 },
    traced: true,
    placement: [
      { into: 'Infrastructure Architecture', except: ['Deployment Architecture', ADDITIONS_SECTION] },
      { into: 'Deployment Architecture', only: ['Deployment Architecture'] },
      { into: 'register', only: [ADDITIONS_SECTION] },
    ],
    prompt: '5-infrastructure.md',
    sectionGroups: [
      ['Summary', 'Platform and Environments', 'Network and Security Groups'],
      ['Scaling and High Availability', 'Deployment Architecture'],
      ['Cost Estimate', ADDITIONS_SECTION],
    ],
    blockSections: { deployment: 'Deployment Architecture', additions: ADDITIONS_SECTION },
  },
  {
    id: 6,
    name: 'Security Review',
    agent: 'security-auditor',
    needs: [1, 2, 3, 4, 5],
    buildsOn: [3, 4, 5],
    document: '06-security-architecture.md',
    sections: ['Summary', 'Threat Model', 'Security Controls', 'Findings', 'Verdict', ADDITIONS_SECTION],
    reads: READS,
    blocks: ['findings', 'additions'],
    ids: { from: 601, to: 699 },
    traced: true,
    placement: [
      { into: 'Security Architecture', except: [ADDITIONS_SECTION] },
      { into: 'register', only: [ADDITIONS_SECTION] },
    ],
    since: 'the security review ran',
    prompt: '6-security-review.md',
    sectionGroups: [['Summary', 'Threat Model'], ['Security Controls'], ['Findings', 'Verdict', ADDITIONS_SECTION]],
    blockSections: { findings: 'Findings', additions: ADDITIONS_SECTION },
  },
  {
    id: 7,
    name: 'Observability',
    agent: 'observability-engineer',
    // It carries the security review's events and audit duties (docs/adr/0008-handovers-by-dependency.md).
    needs: [1, 2, 3, 4, 5, 6],
    buildsOn: [6],
    document: '07-observability-design.md',
    sections: ['Summary', 'Logging', 'Metrics', 'Tracing', 'SLOs and Alerts', 'Dashboards', ADDITIONS_SECTION],
    reads: READS,
    blocks: ['additions'],
    ids: { from: 701, to: 799 },
    traced: true,
    placement: [
      { into: 'Observability Architecture', except: [ADDITIONS_SECTION] },
      { into: 'register', only: [ADDITIONS_SECTION] },
    ],
    prompt: '7-observability.md',
    sectionGroups: [
      ['Summary', 'Logging'],
      ['Metrics', 'Tracing'],
      ['SLOs and Alerts', 'Dashboards', ADDITIONS_SECTION],
    ],
    blockSections: { additions: ADDITIONS_SECTION },
  },
  {
    id: 8,
    name: 'Architecture Decision Records',
    agent: 'architect-review',
    needs: [1, 2, 3, 4, 5, 6, 7],
    buildsOn: [5],
    document: '08-executive-summary.md',
    sections: ['Problem', 'Chosen Architecture', 'Top Risks', 'Decisions Needed'],
    reads: { ...READS, decisions: true },
    blocks: ['adrs'],
    traced: false,
    placement: [{ into: 'Executive Summary' }, { into: 'risks', only: ['Top Risks'] }],
    since: 'the ADRs were written',
    prompt: '8-adrs.md',
  },
];

export const STEP_IDS: readonly StepId[] = STEPS.map((s) => s.id);

/** The step definition for an id; throws on an unknown id (a programming error). */
export function stepById(id: number): StepDef {
  const s = STEPS.find((x) => x.id === id);
  if (!s) throw new Error(`Unknown step ${id}`);
  return s;
}

/** "Step 3 — Service Design". */
export function stepTitle(id: StepId): string {
  return `Step ${id} — ${stepById(id).name}`;
}

/** Parses a step id from user input ("3"); undefined when no step has it. */
export function parseStepId(text: string): StepId | undefined {
  const n = Number(text.trim());
  return STEP_IDS.find((id) => id === n);
}

/** The step whose output carries a structured block of this kind (its role); throws when none does. */
export function stepWithBlock(kind: BlockKind): StepDef {
  const s = STEPS.find((x) => x.blocks.includes(kind));
  if (!s) throw new Error(`No step produces the ${kind} block`);
  return s;
}

/** Whether a step's answer changes the C4 model (its C4 levels, or the deployment view), so it is given the model. */
export function changesC4(step: StepDef): boolean {
  return step.c4Levels !== undefined || step.blocks.includes('deployment');
}

/** The step whose C4 block adds `level` of the model; throws when none does. */
export function stepForC4Level(level: C4Level): StepDef {
  const s = STEPS.find((x) => x.c4Levels?.includes(level));
  if (!s) throw new Error(`No step adds C4 level ${level}`);
  return s;
}

/**
 * The design steps a security finding may send back for change: those before the security review
 * whose sections are design sections (`traced`). A finding's `steps` and `evidence` name only these.
 */
export function findingSteps(): StepDef[] {
  const before = upstreamOf(stepWithBlock('findings').id);
  return STEPS.filter((s) => s.traced && before.includes(s.id));
}

/** The steps that place part of their document into `into`, in table order. */
export function stepsPlacedInto(into: Placement['into']): StepDef[] {
  return STEPS.filter((s) => s.placement.some((p) => p.into === into));
}

/** "step 1", "steps 1 and 8", "steps 2, 3 and 4": how prose names a few steps. */
export function stepList(ids: readonly StepId[]): string {
  if (ids.length <= 1) return `step ${ids.join('')}`;
  return `steps ${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`;
}

/** Every step that (transitively) depends on `id`, in table order. */
export function downstreamOf(id: StepId): StepId[] {
  const out = new Set<StepId>();
  for (const s of STEPS) {
    if (s.needs.some((n) => n === id || out.has(n))) out.add(s.id);
  }
  return [...out];
}

/** Every step `id` (transitively) needs, in table order. */
export function upstreamOf(id: StepId): StepId[] {
  const out = new Set<StepId>();
  const visit = (x: StepId): void => {
    for (const n of stepById(x).needs) {
      if (!out.has(n)) {
        out.add(n);
        visit(n);
      }
    }
  };
  visit(id);
  return STEP_IDS.filter((x) => out.has(x));
}

/** Files the layout fixes (SPEC §3), relative to the output folder. */
export const LAYOUT = {
  architecture: 'ARCHITECTURE.md',
  state: 'archflow.json',
  c4Model: 'diagrams/c4-model.json',
  c4Context: 'diagrams/c4-context.mmd',
  c4Container: 'diagrams/c4-container.mmd',
  c4ComponentPrefix: 'diagrams/c4-component-',
  /** The deployment views, one per environment: `c4-deployment-<environment>.mmd`. */
  c4DeploymentPrefix: 'diagrams/c4-deployment-',
  /** How the prompts name the deployment views' files. */
  c4Deployment: 'diagrams/c4-deployment-<environment>.mmd',
  /** The single deployment view's file before there was one per environment (removed when seen). */
  c4DeploymentLegacy: 'diagrams/c4-deployment.mmd',
  adrDir: 'adr',
  adrIndex: 'adr/README.md',
} as const;
