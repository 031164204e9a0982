/** Why a step failed other than its model call (see LlmError for those): a kind and its facts. */
import type { StepId } from './steps';

/**
 * `prerequisites`: an upstream document is missing or out of date; `malformed`: the agent's answer
 * did not validate, even after the repair round; `oversized`: the answer grew past the size cap and
 * was stopped; `assembly`: the derived files could not be built; `invalid-input`: a file the step
 * reads was edited by hand and no longer parses (nothing is run or deleted because of it).
 */
export type StepErrorKind = 'prerequisites' | 'malformed' | 'oversized' | 'assembly' | 'invalid-input' | 'budget';

/** What is known about a step failure. */
export interface StepErrorFacts {
  /** The steps that must run first (prerequisites). */
  missing?: StepId[];
  /** What code found wrong with the answer (malformed). */
  errors?: string[];
  /** The size cap an answer passed (oversized), in characters. */
  limit?: number;
  /** The file that does not parse (invalid-input), relative to the output folder. */
  file?: string;
  /** Budget: what the run had spent, its budget and what the next call may cost, in dollars. */
  spentUsd?: number;
  budgetUsd?: number;
  callUsd?: number;
}

/** A step failed. `message` names the cause in host-neutral words; a host words the remedy from `kind`. */
export class StepError extends Error {
  constructor(
    readonly step: StepId,
    readonly kind: StepErrorKind,
    message: string,
    readonly facts: StepErrorFacts = {},
  ) {
    super(message);
    this.name = 'StepError';
  }
}
