/**
 * The kinds of problem the core reports to a host, in one union: each host keeps a table from kind
 * to its own remedy (a command, a setting, a flag) and joins it to the core's cause.
 */
import type { CriterionResult } from './exitCriteria';
import { FsError, type FsProblemKind } from './fsError';
import { LlmError, type LlmErrorKind } from './llm/types';
import { redactSecrets } from './redact';
import { StateError, type StateErrorKind } from './state';
import { StepError, type StepErrorKind } from './stepError';

/** A problem's kind: the error class and its own kind (`llm:auth`, `step:malformed`, `state:invalid-json`). */
export type ProblemKind =
  `llm:${LlmErrorKind}` | `step:${StepErrorKind}` | `state:${StateErrorKind}` | `fs:${FsProblemKind}`;

/** The kind of an error the core threw or reported; undefined for anything else (its message stands alone). */
export function problemKind(err: unknown): ProblemKind | undefined {
  if (err instanceof LlmError) return `llm:${err.kind}`;
  if (err instanceof StepError) return `step:${err.kind}`;
  if (err instanceof StateError) return `state:${err.kind}`;
  if (err instanceof FsError) return `fs:${err.kind}`;
  return undefined;
}

/** A host's remedies: for each kind it can help with, one sentence in its own terms. */
export type Remedies = Partial<Record<ProblemKind, string>>;

/** The core's cause followed by the host's remedy for it, when the host has one; never a secret. */
export function explain(err: unknown, remedies: Remedies): string {
  const message = err instanceof Error ? err.message : String(err);
  const kind = problemKind(err);
  const remedy = kind ? remedies[kind] : undefined;
  return redactSecrets(remedy ? `${message.trimEnd()} ${remedy}` : message);
}

/** A criterion's reasons with the host's wording of its action (a command that meets it) on the last one. */
export function reasonsWithAction(
  criterion: CriterionResult,
  actions: Partial<Record<NonNullable<CriterionResult['action']>, string>>,
): string[] {
  const action = criterion.action ? actions[criterion.action] : undefined;
  if (!action || criterion.reasons.length === 0) return criterion.reasons;
  const last = criterion.reasons.length - 1;
  return criterion.reasons.map((r, i) => (i === last ? `${r} ${action}` : r));
}
