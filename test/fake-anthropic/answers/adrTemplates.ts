/** The decisions the fake model records in step 8, each built from the design it sees. */
import type { AdrDraft, C4Container, C4System, Requirement } from '../../../src/core/model';
import type { Design } from './design';
import { describeReq, ids, listText } from './markdown';

interface AdrTemplate {
  key: string;
  build: (d: Design) => Omit<AdrDraft, 'key'>;
}

/** The distinct ids of the elements given (missing ones skipped). */
export function elementIds(...xs: (C4Container | C4System | undefined)[]): string[] {
  return [...new Set(xs.filter((x): x is C4Container | C4System => x !== undefined).map((x) => x.id))];
}

/** The distinct ids of the requirements given, or the first requirement when none is. */
export function reqIds(d: Design, ...xs: (Requirement | undefined)[]): string[] {
  const out = [...new Set(xs.filter((x): x is Requirement => x !== undefined).map((x) => x.id))];
  return out.length > 0 ? out : [d.reqs[0]?.id ?? 'FR-1'];
}

/** The decisions in the order they are added until there are four. */
export const ADR_TEMPLATES: AdrTemplate[] = [
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
