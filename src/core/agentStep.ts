/**
 * Running one agent step, and nothing else: build its request, call the model, check the answer,
 * and ask for one repair when it does not validate. Stateless: it reads no file and writes none.
 */
import { MAX_ANSWER_CHARS } from './config';
import type { EngineEvent } from './events';
import { LlmError, type LlmClient, type LlmRequest, type Usage, type UsageTotals, addUsage } from './llm/types';
import type { Logger } from './log';
import { type PromptSource, buildStepRequest, repairTurnText } from './prompts';
import { mergeRevision } from './revision';
import { type ParsedStep, type StepContext, parseStepOutput } from './stepOutput';
import type { StepInputs } from './stepInputs';
import { StepError } from './stepError';
import { type StepDef, stepTitle } from './steps';

/** What the agent step is given besides its inputs. */
export interface AgentStepDeps {
  llm: LlmClient;
  prompts: PromptSource;
  log: Logger;
  /** Receives the step's text as it streams, its retries and its repair round. */
  emit: (event: EngineEvent) => void;
  signal: AbortSignal;
  /** Called before every model call with what it sends and what the step used so far; throws to stop it (the budget). */
  beforeCall?: (request: LlmRequest, used: UsageTotals) => void;
  /** Called when a call that `beforeCall` let through ends, with what the provider billed for it (when it said). */
  afterCall?: (request: LlmRequest, usage: Usage | undefined) => void;
}

/** The request's parts that do not come from the folder. */
export interface AgentStepRequest {
  prd: { name: string; text: string };
  model: string;
  maxTokens: number;
  /** Revision mode: the base document (answer form) and the revision part of the request. */
  revision?: { base: string; text: string };
}

/** What the calls cost so far; kept up to date as calls finish, so a failed step still records it. */
export interface CallTally {
  usage: UsageTotals;
  /** Model calls made, retries included. */
  attempts: number;
}

/** A validated answer, with the model that gave it. */
export interface AgentStepResult {
  parsed: ParsedStep;
  model: string;
  /** Revision mode: the sections the answer replaced (none: it changed nothing). */
  changed?: string[];
}

/** At most this many validation errors are named in a failure message. */
const ERRORS_SHOWN = 8;

/** The step's request, as the single call sends it and the parts of a step share it. */
export function stepRequest(
  def: StepDef,
  inputs: StepInputs,
  request: AgentStepRequest,
  prompts: PromptSource,
): Promise<LlmRequest> {
  return buildStepRequest(prompts, {
    step: def.id,
    prdName: request.prd.name,
    prdText: request.prd.text,
    upstream: inputs.upstream,
    existingDecisions: inputs.existingDecisions,
    model: request.model,
    maxTokens: request.maxTokens,
    revision: request.revision?.text,
  });
}

/** What the step's answer is checked against. */
export function stepContext(inputs: StepInputs): StepContext {
  return {
    c4: inputs.c4,
    requirementIds: inputs.requirementIds,
    documents: new Map(inputs.upstream.map((d) => [d.name, d.text])),
  };
}

/**
 * Runs the step's agent: one call, and one repair round when its answer does not validate. Throws
 * an LlmError when a call fails and a `malformed` StepError when the repaired answer fails too.
 */
export async function runAgentStep(
  def: StepDef,
  inputs: StepInputs,
  request: AgentStepRequest,
  deps: AgentStepDeps,
  tally: CallTally,
): Promise<AgentStepResult> {
  const first = await stepRequest(def, inputs, request, deps.prompts);
  const ctx = stepContext(inputs);
  const revision = request.revision;
  // A revision answer sends only the sections it changes: merged into the base, then checked whole.
  // The repair answer is merged into the first answer's merge, so it need only resend what failed.
  let base = revision?.base ?? '';
  let changedBefore: string[] = [];
  const check = (text: string): { parsed?: ParsedStep; errors: string[]; changed?: string[] } => {
    if (!revision) return parseStepOutput(def.id, text, ctx);
    const merged = mergeRevision(base, text, def);
    if (merged.errors.length) return { errors: merged.errors };
    const changed = [...new Set([...changedBefore, ...merged.changed])];
    base = merged.text;
    changedBefore = changed;
    return { ...parseStepOutput(def.id, merged.text, ctx), changed };
  };
  const { result, model } = await callChecked(def, first, check, deps, tally, { revision: revision !== undefined });
  for (const w of result.parsed.warnings) deps.log.warn(`${stepTitle(def.id)}: ${w}`);
  return { parsed: result.parsed, model, changed: result.changed };
}

/** How a checked call is made: streamed or not, and what its repair turn and failure call it. */
export interface CheckedCallOptions {
  revision?: boolean;
  /** Stream its text to listeners (default true). */
  stream?: boolean;
  /** A part of the step: named in the warning and the failure ("the decision list"). */
  label?: string;
  /** The repair turn's last sentence, for an answer that is not the whole document. */
  again?: string;
  /** Told the text so far as it streams (an attempt's restart starts it again). */
  onText?: (soFar: string) => void;
}

/**
 * One call whose answer `check` validates, and one repair round (the same conversation, with the
 * errors) when it does not. Throws a `malformed` StepError when the repaired answer fails too.
 */
export async function callChecked<R extends { errors: string[]; parsed?: unknown }>(
  def: StepDef,
  request: LlmRequest,
  check: (text: string) => R,
  deps: AgentStepDeps,
  tally: CallTally,
  options: CheckedCallOptions = {},
): Promise<{ result: R & { parsed: NonNullable<R['parsed']> }; model: string }> {
  const what = options.label ? `${stepTitle(def.id)} (${options.label})` : stepTitle(def.id);
  const stream = options.stream ?? true;
  let answer = await call(def, request, deps, tally, stream, options.onText);
  let result = check(answer.text);
  if (result.parsed === undefined) {
    deps.log.warn(`${what}: output did not validate; asking for a repair: ${result.errors.join(' | ')}`);
    const shown = options.label ? result.errors.map((e) => `${options.label}: ${e}`) : result.errors;
    deps.emit({ type: 'step-repair', step: def.id, errors: shown });
    const repair: LlmRequest = {
      ...request,
      turns: [
        ...request.turns,
        { role: 'assistant', content: [{ text: answer.text }] },
        { role: 'user', content: [{ text: repairTurnText(result.errors, options.revision, options.again) }] },
      ],
    };
    answer = await call(def, repair, deps, tally, stream, options.onText);
    result = check(answer.text);
  }
  if (result.parsed === undefined) {
    const errors = result.errors;
    const more = errors.length > ERRORS_SHOWN ? ` (and ${errors.length - ERRORS_SHOWN} more)` : '';
    throw new StepError(
      def.id,
      'malformed',
      `The agent's answer for ${what} did not follow the required format, even after one repair round: ${errors.slice(0, ERRORS_SHOWN).join(' ')}${more} Run the step again.`,
      { errors },
    );
  }
  return { result: result as R & { parsed: NonNullable<R['parsed']> }, model: answer.model };
}

/**
 * One model call: its text streamed to listeners as it arrives (unless `stream` is false: a part
 * running beside others). A restart (the client retrying) voids the text so far. An answer cut off
 * at the output limit fails: it cannot be used.
 */
export async function call(
  def: StepDef,
  request: LlmRequest,
  deps: AgentStepDeps,
  tally: CallTally,
  stream = true,
  onText?: (soFar: string) => void,
): Promise<{ text: string; model: string }> {
  let text = '';
  deps.beforeCall?.(request, tally.usage);
  let billed: Usage | undefined;
  try {
    for await (const chunk of deps.llm.stream(request, deps.signal)) {
      switch (chunk.type) {
        case 'text':
          text += chunk.text;
          if (text.length > MAX_ANSWER_CHARS) {
            // Leaving the loop ends the stream (and its request); the answer is not used.
            throw new StepError(
              def.id,
              'oversized',
              `The answer for ${stepTitle(def.id)} grew past ${Math.round(MAX_ANSWER_CHARS / 1024)} kB and was stopped; a step's document is far shorter.`,
              { limit: MAX_ANSWER_CHARS },
            );
          }
          if (stream) deps.emit({ type: 'step-text', step: def.id, text: chunk.text });
          onText?.(text);
          break;
        case 'restart':
          text = '';
          // The failed attempt's tokens were billed: they count in the step's usage.
          if (chunk.reason.facts.usage) tally.usage = addUsage(tally.usage, chunk.reason.facts.usage);
          tally.attempts += 1;
          deps.log.warn(
            `${stepTitle(def.id)}: attempt ${chunk.attempt - 1} failed (${chunk.reason.kind}); retrying in ${chunk.delayMs} ms.`,
          );
          deps.emit({
            type: 'step-retry',
            step: def.id,
            attempt: chunk.attempt,
            delayMs: chunk.delayMs,
            reason: chunk.reason.message,
          });
          break;
        case 'done':
          billed = chunk.usage;
          tally.usage = addUsage(tally.usage, chunk.usage);
          tally.attempts += 1;
          if (chunk.stopReason === 'max-tokens') {
            throw new LlmError(
              'max-tokens',
              { provider: deps.llm.provider, limit: request.maxTokens },
              `The answer for ${stepTitle(def.id)} was cut off at the output limit (${request.maxTokens} tokens).`,
            );
          }
          return { text, model: chunk.model };
      }
    }
  } catch (err) {
    if (deps.signal.aborted) throw new LlmError('cancelled', { provider: deps.llm.provider });
    // The last attempt failed: what it used counts too (a `done` chunk was counted already).
    if (err instanceof LlmError && err.kind !== 'max-tokens') {
      if (err.facts.usage) tally.usage = addUsage(tally.usage, err.facts.usage);
      tally.attempts += 1;
    }
    throw err;
  } finally {
    deps.afterCall?.(request, billed);
  }
  throw new LlmError(
    'stream-dropped',
    { provider: deps.llm.provider },
    'The answer stream ended without a final message.',
  );
}
