/** Checks of a tool's raw input (from a model: untrusted, maybe malformed), with messages it can act on. */
import { STEP_IDS, type StepId } from '../steps';
import { ToolInputError } from './types';

/** The input as an object with only the `allowed` keys; undefined and null read as `{}`. */
export function inputObject(raw: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ToolInputError(`The input must be a JSON object${allowed.length ? ` with ${allowed.join(', ')}` : ''}.`);
  }
  const unknown = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new ToolInputError(
      `Unknown input ${unknown.length === 1 ? 'property' : 'properties'} ${unknown.map((k) => `"${k}"`).join(', ')}; ` +
        (allowed.length ? `this tool takes ${allowed.join(', ')}.` : 'this tool takes no input.'),
    );
  }
  return raw as Record<string, unknown>;
}

/** An optional non-empty string of at most `max` characters. */
export function optionalString(input: Record<string, unknown>, key: string, max = 1000): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new ToolInputError(`"${key}" must be a non-empty string.`);
  if (v.length > max) throw new ToolInputError(`"${key}" is longer than ${max} characters.`);
  return v.trim();
}

/** An optional boolean. */
export function optionalBoolean(input: Record<string, unknown>, key: string): boolean | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ToolInputError(`"${key}" must be true or false.`);
  return v;
}

/** An optional value of a fixed list. */
export function optionalChoice<T extends string>(
  input: Record<string, unknown>,
  key: string,
  choices: readonly T[],
): T | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !choices.includes(v as T)) {
    throw new ToolInputError(`"${key}" must be one of ${choices.map((c) => `"${c}"`).join(', ')}.`);
  }
  return v as T;
}

/** Optional step numbers (1-8), deduplicated and in order; an empty list is an error (say nothing instead). */
export function optionalSteps(input: Record<string, unknown>, key: string): StepId[] | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0)
    throw new ToolInputError(`"${key}" is empty; leave it out to run every missing or stale step.`);
  const ids = list.map((x) => {
    const id = STEP_IDS.find((s) => s === x);
    if (id === undefined)
      throw new ToolInputError(`"${key}" must list step numbers from 1 to 8; got ${JSON.stringify(x)}.`);
    return id;
  });
  return [...new Set(ids)].sort((a, b) => a - b);
}
