/** The eight steps of the design workflow: one typed table, the only place step metadata lives. */

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
export type BlockKind = 'requirements' | 'c4' | 'findings' | 'adrs';

export interface StepDef {
  id: StepId;
  /** Short name, used in titles ("Step 3 — Service Design"). */
  name: string;
  agent: AgentId;
  /** Steps whose documents this step reads. */
  needs: StepId[];
  /** Primary document, relative to the output folder. */
  document: string;
  /** H2 headings the document must contain, in this order. */
  sections: string[];
  /** Fenced structured blocks the output must contain. */
  blocks: BlockKind[];
  /** Task prompt file name under prompts/steps/. */
  prompt: string;
}

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
    blocks: ['requirements'],
    prompt: '1-context-analysis.md',
  },
  {
    id: 2,
    name: 'High-Level Design',
    agent: 'architect-review',
    needs: [1],
    document: '02-high-level-architecture.md',
    sections: ['Summary', 'Pattern Selection', 'System Boundary', 'System Context', 'Major Components'],
    blocks: ['c4'],
    prompt: '2-high-level-design.md',
  },
  {
    id: 3,
    name: 'Service Design',
    agent: 'backend-architect',
    needs: [1, 2],
    document: '03-service-architecture.md',
    sections: ['Summary', 'Service Boundaries', 'API Contracts', 'Communication', 'Container View', 'Component Views'],
    blocks: ['c4'],
    prompt: '3-service-design.md',
  },
  {
    id: 4,
    name: 'Data Architecture',
    agent: 'database-architect',
    needs: [1, 2, 3],
    document: '04-data-architecture.md',
    sections: ['Summary', 'Data Model', 'Storage Choices', 'Data Flows', 'Retention and Recovery', 'Migration Plan'],
    blocks: [],
    prompt: '4-data-architecture.md',
  },
  {
    id: 5,
    name: 'Infrastructure',
    agent: 'cloud-architect',
    needs: [1, 2, 3],
    document: '05-infrastructure-architecture.md',
    sections: [
      'Summary',
      'Platform and Environments',
      'Network and Security Groups',
      'Scaling and High Availability',
      'Deployment Architecture',
      'Cost Estimate',
    ],
    blocks: [],
    prompt: '5-infrastructure.md',
  },
  {
    id: 6,
    name: 'Security Review',
    agent: 'security-auditor',
    needs: [1, 2, 3, 4, 5],
    document: '06-security-architecture.md',
    sections: ['Summary', 'Threat Model', 'Security Controls', 'Findings', 'Verdict'],
    blocks: ['findings'],
    prompt: '6-security-review.md',
  },
  {
    id: 7,
    name: 'Observability',
    agent: 'observability-engineer',
    needs: [1, 2, 3, 4, 5],
    document: '07-observability-design.md',
    sections: ['Summary', 'Logging', 'Metrics', 'Tracing', 'SLOs and Alerts', 'Dashboards'],
    blocks: [],
    prompt: '7-observability.md',
  },
  {
    id: 8,
    name: 'Architecture Decision Records',
    agent: 'architect-review',
    needs: [1, 2, 3, 4, 5, 6, 7],
    document: '08-executive-summary.md',
    sections: ['Problem', 'Chosen Architecture', 'Top Risks', 'Decisions Needed'],
    blocks: ['adrs'],
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

/** Parses a step id from user input ("3"); undefined when it is not 1-8. */
export function parseStepId(text: string): StepId | undefined {
  const n = Number(text.trim());
  return Number.isInteger(n) && n >= 1 && n <= 8 ? (n as StepId) : undefined;
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
  adrDir: 'adr',
  adrIndex: 'adr/README.md',
} as const;
