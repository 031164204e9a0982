/** The assumptions, risks and open questions the fake model adds in each design step, numbered in the step's range. */
import type { StepId } from '../../../src/core/steps';
import { stepById } from '../../../src/core/steps';
import type { Design } from './design';
import { jsonBlock } from './markdown';

interface Additions {
  assumptions?: { id: string; statement: string; question: string; affects: string[] }[];
  risks?: {
    id: string;
    description: string;
    likelihood: string;
    impact: string;
    response: string;
    affects: string[];
  }[];
  questions?: { id: string; question: string; blocks: string; default: string }[];
}

/** The step's n-th id of a kind: `A-301` for the first assumption of step 3. */
function idOf(d: Design, prefix: string, n: number): string {
  return `${prefix}-${(stepById(d.step).ids?.from ?? 1) + n - 1}`;
}

const BY_STEP: Partial<Record<StepId, (d: Design) => Additions>> = {
  // The high-level design rests on step 1's assumptions only.
  2: () => ({}),
  3: (d) => ({
    assumptions: [
      {
        id: idOf(d, 'A', 1),
        statement: `Peak traffic is at most ten times the daily average for ${d.product}`,
        question: 'What share of daily traffic arrives in the busiest hour?',
        affects: [d.perf[0]?.id ?? d.reqs[0]?.id ?? 'FR-1', d.el.api?.id ?? d.el.system.id],
      },
    ],
  }),
  4: (d) => ({
    assumptions: [
      {
        id: idOf(d, 'A', 1),
        statement: 'Records grow by about 20% a year; nothing is deleted before its retention ends',
        question: 'How fast will the data grow, and may old records be archived?',
        affects: [d.el.db?.id ?? d.el.system.id],
      },
    ],
  }),
  5: (d) => ({
    assumptions: [
      {
        id: idOf(d, 'A', 1),
        statement: 'The platform is a managed container service of one public cloud; the PRD names none',
        question: 'Which cloud provider and region does the organisation use?',
        affects: d.el.containers.slice(0, 3).map((c) => c.id),
      },
    ],
    risks: [
      {
        id: idOf(d, 'R', 1),
        description: 'A whole-region outage stops the product until it is restored elsewhere',
        likelihood: 'low',
        impact: 'high',
        response: 'Backups copied to a second region; a rehearsed restore',
        affects: [d.perf.find((r) => r.category === 'availability')?.id ?? d.reqs[0]?.id ?? 'FR-1'],
      },
    ],
  }),
  6: (d) => ({
    questions: [
      {
        id: idOf(d, 'Q', 1),
        question: d.facts.regulations.length
          ? `Which duties of ${d.facts.regulations.join(', ')} apply to the personal data ${d.product} keeps?`
          : `Does any regulation apply to the personal data ${d.product} keeps?`,
        blocks: 'The retention and audit controls',
        default: 'The controls of this review, confirmed before release',
      },
    ],
  }),
  7: (d) => ({
    assumptions: [
      {
        id: idOf(d, 'A', 1),
        statement: 'Operational logs are kept 30 days and metrics 13 months',
        question: 'Does a company retention policy for telemetry apply?',
        affects: [d.el.api?.id ?? d.el.system.id],
      },
    ],
  }),
};

/** The body of the step's additions section: one `archflow-additions` block. */
export function additionsFor(d: Design): string {
  return jsonBlock('archflow-additions', BY_STEP[d.step]?.(d) ?? {});
}
