/** The structured parts of a design, parsed from model output and from the files on disk. */

export type RequirementKind = 'FR' | 'NFR';

export const NFR_CATEGORIES = [
  'performance',
  'scalability',
  'latency',
  'throughput',
  'availability',
  'reliability',
  'security',
  'privacy',
  'compliance',
  'cost',
  'operability',
  'maintainability',
  'usability',
  'accessibility',
  'portability',
] as const;
export type NfrCategory = (typeof NFR_CATEGORIES)[number];

/** NFR categories the "performance requirements addressed" exit criterion covers. */
export const PERFORMANCE_CATEGORIES: readonly NfrCategory[] = [
  'performance',
  'scalability',
  'latency',
  'throughput',
  'availability',
];

/** One entry of the requirement inventory of step 1. */
export interface Requirement {
  id: string;
  kind: RequirementKind;
  title: string;
  source: string;
  priority: 'must' | 'should' | 'could';
  category?: NfrCategory;
  target?: string | null;
}

export type ContainerKind =
  'webapp' | 'mobile' | 'service' | 'database' | 'queue' | 'cache' | 'storage' | 'function' | 'other';
export const CONTAINER_KINDS: readonly ContainerKind[] = [
  'webapp',
  'mobile',
  'service',
  'database',
  'queue',
  'cache',
  'storage',
  'function',
  'other',
];

export interface C4Person {
  id: string;
  name: string;
  description: string;
  external: boolean;
}
export interface C4System {
  id: string;
  name: string;
  description: string;
  external: boolean;
}
export interface C4Container {
  id: string;
  system: string;
  name: string;
  technology: string;
  description: string;
  kind: ContainerKind;
}
export interface C4Component {
  id: string;
  container: string;
  name: string;
  technology: string;
  description: string;
}
export interface C4Relationship {
  from: string;
  to: string;
  label: string;
  technology?: string;
}

/** The single C4 model; the three diagram levels are views of it. */
export interface C4Model {
  people: C4Person[];
  systems: C4System[];
  containers: C4Container[];
  components: C4Component[];
  relationships: C4Relationship[];
}

export const EMPTY_C4: C4Model = { people: [], systems: [], containers: [], components: [], relationships: [] };

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type FindingStatus = 'open' | 'mitigated' | 'accepted';

/** One security finding of step 6. */
export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  element: string | null;
  stride?: string;
  recommendation: string;
  status: FindingStatus;
  adr?: string;
  requirements: string[];
  /**
   * The steps whose documents must change to close it (design steps before the security review).
   * Required for an open critical or high finding; the resolve loop revises these steps.
   */
  steps?: number[];
  /**
   * Where the design documents hold the control, for a mitigated finding:
   * `03-service-architecture.md › Communication` (several separated by "; ").
   */
  evidence?: string;
}

export interface SecurityReview {
  verdict: 'pass' | 'fail';
  findings: Finding[];
}

export type AdrStatus = 'proposed' | 'accepted' | 'deprecated' | 'superseded';

/** One decision as the model proposes it (step 8), before it has a number. */
export interface AdrDraft {
  key: string;
  title: string;
  status: AdrStatus;
  context: string;
  decision: string;
  consequences: { positive: string[]; negative: string[] };
  alternatives: { option: string; rejectedBecause: string }[];
  requirements: string[];
  elements: string[];
  supersedes?: string | null;
  supersededBy?: string | null;
}

/** An ADR with its stable number and file, as written to disk. */
export interface AdrRecord extends AdrDraft {
  number: number;
  date: string;
  /** Path relative to the output folder, e.g. adr/0001-use-a-modular-monolith.md */
  file: string;
  /** Numbers of the ADRs this one supersedes / is superseded by (resolved from keys). */
  supersedesNumber?: number | null;
  supersededByNumber?: number | null;
}
