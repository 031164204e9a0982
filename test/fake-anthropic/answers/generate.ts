/**
 * The fake model: writes each step's document for any PRD, from the request alone, following
 * prompts/output-format.md and the step table (H1, the required H2 sections in order, valid
 * structured blocks). Deterministic: the same request always gives the same answer.
 */
import type { StepId } from '../../../src/core/steps';
import { readContext, type MessagesBody, type RequestContext } from '../request';
import { buildDesign, type Design } from './design';
import { readRevision, reviseDocument } from './revise';
import { partAnswer } from './parts';
import type { StepPart } from '../../../src/core/sectionParts';
import { stepById } from '../../../src/core/steps';
import { step1 } from './step1';
import { step2 } from './step2';
import { step3 } from './step3';
import { step4 } from './step4';
import { step5 } from './step5';
import { step6 } from './step6';
import { step7 } from './step7';
import { step8 } from './step8';

/** What the fake model answers to a request. */
export interface GeneratedAnswer {
  /** Step detected from the task block, or null for a request that is not an Archflow step. */
  step: number | null;
  /** The request was the repair turn of a step. */
  repair: boolean;
  /** The request asked for a revision (the answer holds changed sections only). */
  revision?: boolean;
  /** A part of a step written in parts: `text` is that part's answer (see parts.ts). */
  part?: StepPart;
  /** A part's whole-step answer it was cut from (the benchmark pads that one, then cuts it again). */
  whole?: string;
  text: string;
}

/**
 * Answers a Messages request: the step's document, or a short note for other requests. For the
 * steps in `recorded` (replayed from a recording) only what the request is: its step and part.
 */
export function generateAnswer(body: MessagesBody, recorded?: ReadonlySet<number>): GeneratedAnswer {
  const ctx = readContext(body);
  if (ctx.step === null) return { step: null, repair: ctx.repair, text: genericAnswer(ctx) };
  const step = ctx.step as StepId;
  // A step whose recorded answer is replayed: what the request is, without writing an answer no one reads.
  if (recorded?.has(step)) return { step, repair: ctx.repair, ...(ctx.part ? { part: ctx.part } : {}), text: '' };
  if (ctx.part) {
    const whole = generateStepDocument(step, ctx);
    return { step, repair: ctx.repair, part: ctx.part, whole, text: partAnswer(whole, ctx.part, step) };
  }
  const rev = ctx.repair ? undefined : readRevision(ctx.userText);
  if (!rev) return { step, repair: ctx.repair, text: generateStepDocument(step, ctx) };
  // A revision: the step's current document stands in for its previous one, as a full run reads it.
  const docs = stepById(step).reads.previous
    ? [...ctx.documents.filter((d) => d.name !== rev.document), { name: rev.document, step, text: rev.base }]
    : ctx.documents;
  const generated = generateStepDocument(step, { ...ctx, documents: docs });
  return { step, repair: false, revision: true, text: reviseDocument(step, generated, rev, ctx) };
}

/** The answer to a request that is not an Archflow step (a connectivity check, a stray prompt). */
function genericAnswer(ctx: RequestContext): string {
  const words = ctx.userText.split(/\s+/).filter(Boolean).length;
  return `This is the fake Anthropic server. Your message had ${words} word${words === 1 ? '' : 's'} and no \`# Task: Step N\` block, so there is no Archflow step to answer.`;
}

/** Each step's writer; a record over every StepId, so a new step does not compile until it has an answer. */
const STEP_ANSWERS: Record<StepId, (d: Design) => string> = {
  1: step1,
  2: step2,
  3: step3,
  4: step4,
  5: step5,
  6: step6,
  7: step7,
  8: step8,
};

/** The document of `step` for the request's PRD and upstream documents. */
export function generateStepDocument(step: StepId, ctx: RequestContext): string {
  return STEP_ANSWERS[step](buildDesign(step, ctx));
}
