/**
 * Critical paths of the step graph from measured or computed step times: when every step starts
 * as soon as the steps it waits for are done.
 */
import { STEPS } from '../src/core/steps';

/** Steps and the steps they wait for. */
export type Graph = Record<number, number[]>;

/** The graph of the step table. */
export function tableGraph(): Graph {
  return Object.fromEntries(STEPS.map((s) => [s.id, [...s.needs]]));
}

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
