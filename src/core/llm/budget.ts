/**
 * Provider-neutral rules for a provider that takes plain chat turns with a fixed context window
 * (VS Code's language models): the system prompt folded into the first user turn, which of the
 * offered models answers a request, and whether the request fits its input budget (docs/adr/0013).
 */
import type { ChatTurn, LlmRequest } from './types';

/** The line between the folded system prompt and the user turn that follows it. */
export const FOLD_SEPARATOR = '\n\n---';

/**
 * The request's turns with its system prompt folded into the first user turn: the system blocks
 * first, then the separator, then that turn's own blocks. Providers without a system role get
 * the same instructions in the same order. Without a system prompt the turns are returned as
 * they are; a request that starts with an assistant turn gets a user turn of its own first.
 */
export function foldSystemPrompt(request: Pick<LlmRequest, 'system' | 'turns'>): ChatTurn[] {
  const system = request.system.map((b) => b.text).filter((t) => t.length > 0);
  if (system.length === 0) return request.turns.map((t) => ({ role: t.role, content: [...t.content] }));
  const preamble = { text: `${system.join('\n\n')}${FOLD_SEPARATOR}` };
  const [first, ...rest] = request.turns;
  if (!first || first.role !== 'user') {
    return [
      { role: 'user', content: [preamble] },
      ...request.turns.map((t) => ({ role: t.role, content: [...t.content] })),
    ];
  }
  return [
    { role: 'user', content: [preamble, ...first.content] },
    ...rest.map((t) => ({ role: t.role, content: [...t.content] })),
  ];
}

/**
 * The text of a turn for a provider that takes one string per message: its blocks joined by a
 * blank line, so a block that starts with a heading (the task block) still starts a line.
 */
export function turnText(turn: ChatTurn): string {
  return turn.content.map((b) => b.text).join('\n\n');
}

/** A model a provider offers, in the words the choice needs. */
export interface ModelCandidate {
  id: string;
  name: string;
  family: string;
  vendor: string;
  /** The largest input the model takes, in tokens. */
  maxInputTokens: number;
}

/**
 * The share of a model's `maxInputTokens` a request may use. Providers count tokens with their
 * own tokenizers and add per-message framing we cannot see: the rest is headroom.
 */
export const INPUT_BUDGET_SHARE = 0.95;

/** The tokens a request may use on a model (its budget). */
export function inputBudget(model: Pick<ModelCandidate, 'maxInputTokens'>): number {
  return Math.floor(model.maxInputTokens * INPUT_BUDGET_SHARE);
}

const isClaude = (m: ModelCandidate): boolean => /claude|anthropic/i.test(`${m.id} ${m.family} ${m.name} ${m.vendor}`);

/** The tier of a Claude model id or family ("opus", "sonnet", "haiku"), if it names one. */
function tierOf(text: string): string | undefined {
  return /\b(opus|sonnet|haiku)\b/i.exec(text.replace(/[-_.]/g, ' '))?.[1]?.toLowerCase();
}

/**
 * The offered models in the order they are tried for a request that asks for `wanted` (the
 * agent's configured model): the model with that id or family first, then Claude models of the
 * same tier (opus, sonnet, haiku), then any other Claude model, then the rest; within each
 * group the larger context window first, then by id (stable for equal windows).
 */
export function rankModels(models: readonly ModelCandidate[], wanted: string): ModelCandidate[] {
  const want = wanted.trim().toLowerCase();
  const tier = tierOf(want);
  const rank = (m: ModelCandidate): number => {
    if (m.id.toLowerCase() === want || m.family.toLowerCase() === want) return 0;
    if (isClaude(m) && tier !== undefined && tierOf(`${m.id} ${m.family}`) === tier) return 1;
    if (isClaude(m)) return 2;
    return 3;
  };
  return [...models].sort(
    (a, b) => rank(a) - rank(b) || b.maxInputTokens - a.maxInputTokens || a.id.localeCompare(b.id),
  );
}

/** The model chosen for a request, or why none is. */
export type ModelChoice =
  | { ok: true; model: ModelCandidate; tokens: number; budget: number }
  | { ok: false; reason: 'no-models' | 'too-large'; message: string; tokens?: number; largest?: ModelCandidate };

/**
 * The context budget rule: the first model of `rankModels` whose budget (`inputBudget`) holds the
 * request's input tokens answers it. A request too large for every offered model is refused before
 * anything is sent, with both numbers. Nothing of the request is cut: every block of a step's
 * prompt (the PRD, the upstream documents, the task) is an input the step's document depends on.
 * `countTokens` counts the request on one model (models count differently).
 */
export async function chooseModel(
  models: readonly ModelCandidate[],
  wanted: string,
  countTokens: (model: ModelCandidate) => Promise<number>,
): Promise<ModelChoice> {
  if (models.length === 0) {
    return { ok: false, reason: 'no-models', message: 'No language model is available.' };
  }
  let largest: { model: ModelCandidate; tokens: number } | undefined;
  for (const model of rankModels(models, wanted)) {
    const tokens = await countTokens(model);
    const budget = inputBudget(model);
    if (tokens <= budget) return { ok: true, model, tokens, budget };
    if (!largest || model.maxInputTokens > largest.model.maxInputTokens) largest = { model, tokens };
  }
  const l = largest as { model: ModelCandidate; tokens: number };
  return {
    ok: false,
    reason: 'too-large',
    tokens: l.tokens,
    largest: l.model,
    message:
      `The request needs about ${l.tokens.toLocaleString('en-US')} input tokens; the largest model offered ` +
      `(${l.model.name}) takes ${l.model.maxInputTokens.toLocaleString('en-US')}, of which Archflow uses at most ` +
      `${inputBudget(l.model).toLocaleString('en-US')} (${Math.round(INPUT_BUDGET_SHARE * 100)}%). Nothing was sent.`,
  };
}
