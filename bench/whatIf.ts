/**
 * What other step graphs would cost, from one run's measured step times: the critical path of the
 * step table, of SPEC §2's graph (data with infrastructure, security with observability, in
 * parallel), and of that graph with a short follow-up revision after each parallel pair, which
 * hands the earlier-finishing step's results to its partner (docs/adr/0006).
 */
import { splitSections } from '../src/core/markdown';
import { STEPS, type StepId } from '../src/core/steps';

/** Steps and the steps they wait for. */
export type Graph = Record<number, number[]>;

/** The graph of the step table. */
export function tableGraph(): Graph {
  return Object.fromEntries(STEPS.map((s) => [s.id, [...s.needs]]));
}

/** SPEC §2's table: 4 and 5 both after 3, 6 and 7 both after 5. */
export const SPEC_GRAPH: Graph = {
  1: [],
  2: [1],
  3: [1, 2],
  4: [1, 2, 3],
  5: [1, 2, 3],
  6: [1, 2, 3, 4, 5],
  7: [1, 2, 3, 4, 5],
  8: [1, 2, 3, 4, 5, 6, 7],
};

/**
 * The hand-overs a follow-up revision would carry in SPEC §2's graph: the receiving step, the step
 * it learns from, and the sections of the receiver's document that the hand-over rewrites.
 */
export const HANDOVERS: readonly { to: StepId; from: StepId; sections: string[] }[] = [
  { to: 5, from: 4, sections: ['Scaling and High Availability', 'Deployment Architecture', 'Cost Estimate'] },
  { to: 7, from: 6, sections: ['Logging', 'SLOs and Alerts'] },
];

/** The finish time of every step when each starts as soon as the steps it waits for are done. */
export function finishTimes(
  graph: Graph,
  stepMs: Record<number, number>,
  extraMs: Record<number, number> = {},
): Map<number, number> {
  const finish = new Map<number, number>();
  for (const s of STEPS) {
    const start = Math.max(0, ...(graph[s.id] ?? []).map((n) => finish.get(n) ?? 0));
    finish.set(s.id, start + (stepMs[s.id] ?? 0) + (extraMs[s.id] ?? 0));
  }
  return finish;
}

/** The critical path of a graph with measured step times. */
export function criticalPathOf(
  graph: Graph,
  stepMs: Record<number, number>,
  extraMs: Record<number, number> = {},
): number {
  return Math.max(...finishTimes(graph, stepMs, extraMs).values());
}

/** The share of a document's text in the named sections (what a follow-up revision would rewrite). */
export function sectionShare(doc: string, sections: readonly string[]): number {
  const parts = splitSections(doc).sections;
  const total = parts.reduce((n, s) => n + s.body.length, 0);
  const wanted = parts.filter((s) => sections.includes(s.title)).reduce((n, s) => n + s.body.length, 0);
  return total ? wanted / total : 0;
}

/**
 * Each hand-over as a follow-up call of its receiving step after both steps of the pair finished:
 * the call's latency plus the streaming of the sections it rewrites (their share of the step's
 * measured time). The receiver's finish moves to max(its own finish, its partner's) + that time.
 */
export function followUpCriticalPath(
  stepMs: Record<number, number>,
  docs: Partial<Record<number, string>>,
  latencyMs: number,
): { criticalPathMs: number; followUpMs: Record<number, number> } {
  const followUpMs: Record<number, number> = {};
  const extra: Record<number, number> = {};
  for (const h of HANDOVERS) {
    const share = sectionShare(docs[h.to] ?? '', h.sections);
    followUpMs[h.to] = Math.round(latencyMs + share * Math.max(0, (stepMs[h.to] ?? 0) - latencyMs));
    // Waiting for the partner: the follow-up starts when both are done.
    const own = finishTimes(SPEC_GRAPH, stepMs).get(h.to) ?? 0;
    const partner = finishTimes(SPEC_GRAPH, stepMs).get(h.from) ?? 0;
    extra[h.to] = Math.max(0, partner - own) + followUpMs[h.to];
  }
  return { criticalPathMs: criticalPathOf(SPEC_GRAPH, stepMs, extra), followUpMs };
}
