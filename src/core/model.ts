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
  /** The assumption (`A-n`) that proposes its technology, when neither the PRD nor the existing system names one. */
  assumption?: string;
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

/** What an infrastructure element of the deployment view is. */
export type InfrastructureKind =
  | 'cdn'
  | 'dns'
  | 'waf'
  | 'loadBalancer'
  | 'apiGateway'
  | 'firewall'
  | 'nat'
  | 'queueService'
  | 'collector'
  | 'secretStore'
  | 'other';
export const INFRASTRUCTURE_KINDS: readonly InfrastructureKind[] = [
  'cdn',
  'dns',
  'waf',
  'loadBalancer',
  'apiGateway',
  'firewall',
  'nat',
  'queueService',
  'collector',
  'secretStore',
  'other',
];

/** An environment the design names (production, staging, …): the top of the deployment view. */
export interface C4Environment {
  id: string;
  name: string;
  description: string;
}

/** A deployment node (region, network, cluster, managed service, device); nodes nest through `parent`. */
export interface C4DeploymentNode {
  id: string;
  environment: string;
  /** The enclosing node of the same environment; null at the top of the environment. */
  parent: string | null;
  name: string;
  technology: string;
  description: string;
  /** The assumption (`A-n`) the choice rests on, when the PRD names no provider or service. */
  assumption?: string;
}

/** An infrastructure element on a node: load balancer, WAF, CDN, queue service, collector, … */
export interface C4Infrastructure {
  id: string;
  node: string;
  kind: InfrastructureKind;
  name: string;
  technology: string;
  description: string;
  assumption?: string;
}

/** A container running on a node: an instance of the container in that node's environment. */
export interface C4ContainerInstance {
  container: string;
  node: string;
  /** How many run ("3–12", "1 primary + 1 standby"). */
  instances: string;
  /** Their size ("1 vCPU, 2 GB"). */
  size: string;
}

/** The deployment view: environments, nested nodes, infrastructure, container instances, and infrastructure flows. */
export interface C4Deployment {
  environments: C4Environment[];
  nodes: C4DeploymentNode[];
  infrastructure: C4Infrastructure[];
  deployments: C4ContainerInstance[];
  /** Flows with an infrastructure end; a container end means its instance in the other end's environment. */
  relationships: C4Relationship[];
}

/** The single C4 model; the three diagram levels and the deployment view are views of it. */
export interface C4Model {
  people: C4Person[];
  systems: C4System[];
  containers: C4Container[];
  components: C4Component[];
  relationships: C4Relationship[];
  /** The infrastructure design's deployment view, once it has run. */
  deployment?: C4Deployment;
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
