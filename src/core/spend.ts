/**
 * What a run costs: an estimate before it starts (from the PRD's size, the steps it runs and what
 * those steps used last time, archflow.json), and the budget check before each model call.
 * Dollars are list prices (pricing.ts), so they are estimates, never a bill.
 */
import type { InputForecast } from './callEstimate';
import type { UsageTotals } from './llm/types';
import { PRICES_DATE, costOf, formatUsd } from './pricing';
import type { ArchflowState } from './state';
import { StepError } from './stepError';
import { type StepId, stepById } from './steps';

/** Characters per token of the estimates (a fair average for English prose and JSON). */
const CHARS_PER_TOKEN = 4;

/**
 * Output tokens a step writes when it has no history: a real model's answers for a 6 KB PRD
 * (../shared/corpus), rounded up.
 */
export const TYPICAL_OUTPUT_TOKENS: Readonly<Record<StepId, number>> = {
  1: 6000,
  2: 4000,
  3: 7000,
  4: 4500,
  5: 4500,
  6: 5000,
  7: 5000,
  8: 8000,
};

/** The system text, the persona, the task and its schemas: the same every run. */
const INSTRUCTION_TOKENS = 4000;

/** The expected usage and cost of a step, and of a run. */
export interface StepEstimate {
  step: StepId;
  usage: UsageTotals;
  usd: number;
  /** From the step's last run in archflow.json, else from the PRD's size and typical answers. */
  from: 'history' | 'typical';
}

export interface RunEstimate {
  steps: StepEstimate[];
  usage: UsageTotals;
  usd: number;
  /** The models the steps use, joined ("claude-opus-5-5"). */
  model: string;
}

/**
 * The expected usage of running `steps` (in table order) on a PRD of `prdChars` characters: each
 * step as its last run used (archflow.json), else laid out as the requests are (the instructions
 * at full price, the newest upstream document written to the cache, the rest read from it).
 */
export function estimateRun(
  prdChars: number,
  steps: readonly StepId[],
  state: Pick<ArchflowState, 'steps'> | undefined,
  modelOf: (step: StepId) => string,
): RunEstimate {
  const prdTokens = Math.ceil(prdChars / CHARS_PER_TOKEN);
  const out: StepEstimate[] = [];
  for (const id of steps) {
    const recorded = state?.steps[String(id) as `${StepId}`]?.usage;
    let usage: UsageTotals;
    let from: StepEstimate['from'] = 'typical';
    if (recorded && !recorded.unknown && recorded.output > 0) {
      usage = {
        input: recorded.input,
        output: recorded.output,
        cacheRead: recorded.cacheRead,
        cacheWrite: recorded.cacheWrite,
      };
      from = 'history';
    } else {
      const needs = stepById(id).needs;
      const newest = needs.at(-1);
      const older = needs.slice(0, -1).reduce((n, s) => n + TYPICAL_OUTPUT_TOKENS[s], 0);
      usage = {
        input: INSTRUCTION_TOKENS,
        output: TYPICAL_OUTPUT_TOKENS[id],
        cacheWrite: newest !== undefined ? TYPICAL_OUTPUT_TOKENS[newest] : prdTokens,
        cacheRead: newest !== undefined ? prdTokens + older : 0,
      };
    }
    out.push({ step: id, usage, usd: costOf(usage, modelOf(id)), from });
  }
  const usage = out.reduce<UsageTotals>(
    (t, s) => ({
      input: t.input + s.usage.input,
      output: t.output + s.usage.output,
      cacheRead: t.cacheRead + s.usage.cacheRead,
      cacheWrite: t.cacheWrite + s.usage.cacheWrite,
    }),
    { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  );
  return {
    steps: out,
    usage,
    usd: out.reduce((n, s) => n + s.usd, 0),
    model: [...new Set(steps.map(modelOf))].join(', '),
  };
}

/** "about 190,000 input and 44,000 output tokens, $1.20 at the list price of claude-opus-5-5". */
export function estimateText(e: RunEstimate): string {
  const input = e.usage.input + e.usage.cacheRead + e.usage.cacheWrite;
  return `about ${input.toLocaleString('en-US')} input and ${e.usage.output.toLocaleString('en-US')} output tokens, ${formatUsd(e.usd)} at the list price of ${e.model}`;
}

/** The budget of a run, and the host's words for where it was set (its setting or flag). */
export interface Budget {
  usd: number;
  setting: string;
}

/**
 * What a call is expected to cost: its input as the provider's cache will bill it (`input`, from
 * the run's cache mirror, callEstimate.ts) and `output` tokens of answer.
 */
export function callCost(model: string, input: InputForecast, output: number): number {
  return costOf({ ...input, output }, model);
}

/**
 * The output a step's next call is expected to write: what the step wrote last time (else a
 * typical answer), less what its calls wrote so far and what its calls still running are
 * expected to write. The parts of a step share the step's answer; a step never expects less than 0.
 */
export function expectedOutput(
  step: StepId,
  lastOutput: number | undefined,
  written: number,
  reserved: number,
): number {
  return Math.max(0, (lastOutput ?? TYPICAL_OUTPUT_TOKENS[step]) - written - reserved);
}

/**
 * Throws a `budget` StepError when `spentUsd` plus what the call may cost would pass the budget:
 * before the call, so the budget is never exceeded by the call that would pass it.
 */
export function checkBudget(budget: Budget, step: StepId, spentUsd: number, callUsd: number): void {
  if (spentUsd + callUsd <= budget.usd) return;
  throw new StepError(
    step,
    'budget',
    `Stopped before calling the model: this run has spent ${formatUsd(spentUsd)} and this step's call may cost about ${formatUsd(callUsd)}, which would pass the budget of ${formatUsd(budget.usd)} a run (${budget.setting}). The documents written so far are kept; raise ${budget.setting} or clear it, then run again.`,
    { spentUsd, budgetUsd: budget.usd, callUsd },
  );
}

/** What a step's last run cost at list price, or undefined when its usage is unknown or not recorded. */
export function stepCost(step: { usage?: UsageTotals; model?: string }): number | undefined {
  const u = step.usage;
  if (!u || !step.model || u.unknown || u.input + u.output + u.cacheRead + u.cacheWrite === 0) return undefined;
  return costOf(u, step.model);
}

/**
 * What the design's steps cost in their last runs, summed, with how many steps are counted:
 * "the run" as it stands in the folder. Undefined when no step has a known cost.
 */
export function designCost(
  steps: readonly { usage?: UsageTotals; model?: string }[],
): { usd: number; steps: number } | undefined {
  const costs = steps.map(stepCost).filter((c): c is number => c !== undefined);
  return costs.length ? { usd: costs.reduce((a, b) => a + b, 0), steps: costs.length } : undefined;
}

/** "$1.16 for 8 steps at list price (prices of 2026-12-03)". */
export function designCostText(cost: { usd: number; steps: number }): string {
  return `${formatUsd(cost.usd)} for ${cost.steps} step${cost.steps === 1 ? '' : 's'} at list price (prices of ${PRICES_DATE})`;
}
