/**
 * The provider "VS Code language models": the core's model port (LlmClient) on `vscode.lm`. Each
 * request folds its system prompt into the first user turn, picks a model by the context budget
 * rule (src/core/llm/budget.ts, docs/adr/0013), streams the answer and maps VS Code's errors to
 * the port's kinds with a remedy. VS Code reports no token usage: it is recorded as unknown.
 */
import * as vscode from 'vscode';
import { type ModelCandidate, chooseModel, foldSystemPrompt, turnText } from '../core/llm/budget';
import { LlmError, type LlmChunk, type LlmClient, type LlmRequest } from '../core/llm/types';

/** How messages name this provider. */
export const VSCODE_LM_PROVIDER = "VS Code's language models";

/** Why Archflow asks for a model, as VS Code's consent dialog shows it. */
const JUSTIFICATION = 'Archflow runs its architecture agents (one step document per request) on this model.';

const NO_MODELS =
  "No language model is available in VS Code. Install and sign in to an extension that provides chat models (such as GitHub Copilot), or set 'archflow.provider' to 'anthropic' and set an API key.";

/** The models VS Code offers now (none where the API is missing). */
export async function availableChatModels(): Promise<vscode.LanguageModelChat[]> {
  const lm = (vscode as Partial<typeof vscode>).lm;
  if (typeof lm?.selectChatModels !== 'function') return [];
  try {
    return await lm.selectChatModels();
  } catch {
    return [];
  }
}

function candidate(m: vscode.LanguageModelChat): ModelCandidate {
  return { id: m.id, name: m.name, family: m.family, vendor: m.vendor, maxInputTokens: m.maxInputTokens };
}

/** The client over `vscode.lm`; `selector` narrows the models offered (tests, a chosen vendor). */
export function createVscodeLmClient(selector?: vscode.LanguageModelChatSelector): LlmClient {
  return { provider: VSCODE_LM_PROVIDER, stream: (request, signal) => streamLm(request, signal, selector) };
}

async function* streamLm(
  request: LlmRequest,
  signal: AbortSignal,
  selector: vscode.LanguageModelChatSelector | undefined,
): AsyncGenerator<LlmChunk> {
  if (signal.aborted) throw cancelled();
  const models = await vscode.lm.selectChatModels(selector);
  if (models.length === 0) throw new LlmError('not-found', { provider: VSCODE_LM_PROVIDER }, NO_MODELS);
  const turns = foldSystemPrompt(request);
  const messages = turns.map((t) =>
    t.role === 'user'
      ? vscode.LanguageModelChatMessage.User(turnText(t))
      : vscode.LanguageModelChatMessage.Assistant(turnText(t)),
  );
  const source = new vscode.CancellationTokenSource();
  const onAbort = (): void => source.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const byId = new Map(models.map((m) => [m.id, m]));
    const choice = await chooseModel(models.map(candidate), request.model, async (c) => {
      const model = byId.get(c.id) as vscode.LanguageModelChat;
      let total = 0;
      for (const m of messages) total += await model.countTokens(m, source.token);
      return total;
    });
    if (signal.aborted) throw cancelled();
    if (!choice.ok) {
      throw new LlmError(
        choice.reason === 'no-models' ? 'not-found' : 'too-large',
        { provider: VSCODE_LM_PROVIDER },
        choice.reason === 'no-models'
          ? NO_MODELS
          : `${choice.message} Pick a model with a larger context window, shorten the PRD, or set 'archflow.provider' to 'anthropic'.`,
      );
    }
    const model = byId.get(choice.model.id) as vscode.LanguageModelChat;
    const response = await model.sendRequest(messages, { justification: JUSTIFICATION }, source.token);
    for await (const text of response.text) {
      if (signal.aborted) throw cancelled();
      yield { type: 'text', text };
    }
    if (signal.aborted) throw cancelled();
    yield {
      type: 'done',
      stopReason: 'end',
      usage: { input: 0, output: 0, unknown: true },
      model: `${model.vendor}/${model.id}`,
    };
  } catch (err) {
    throw mapLmError(err, signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
    source.dispose();
  }
}

function cancelled(): LlmError {
  return new LlmError('cancelled', { provider: VSCODE_LM_PROVIDER });
}

/** Words of a quota or rate limit in a provider's error message. */
const QUOTA = /quota|rate.?limit|too many requests|exceeded|limit reached/i;

/** Maps what `vscode.lm` throws to an LlmError whose message says what to do. */
export function mapLmError(err: unknown, signal?: AbortSignal): LlmError {
  if (err instanceof LlmError) return err;
  if (signal?.aborted || err instanceof vscode.CancellationError) return cancelled();
  const message = err instanceof Error ? err.message : String(err);
  const provider = VSCODE_LM_PROVIDER;
  const facts = { provider, ...(message ? { apiMessage: message } : {}) };
  const code = err instanceof vscode.LanguageModelError ? err.code : undefined;
  if (code === vscode.LanguageModelError.NoPermissions().code) {
    return new LlmError(
      'permission',
      facts,
      "Archflow may not use VS Code's language models yet. Run again and choose Allow when VS Code asks, or allow Archflow under Accounts > Manage Language Model Access; or set 'archflow.provider' to 'anthropic' and set an API key.",
    );
  }
  if (code === vscode.LanguageModelError.Blocked().code) {
    return QUOTA.test(message)
      ? new LlmError(
          'rate-limit',
          facts,
          `The language model's quota or rate limit was reached (${message}). Wait, or pick another model, or set 'archflow.provider' to 'anthropic'.`,
        )
      : new LlmError(
          'permission',
          facts,
          `The language model blocked the request (${message}). Check your plan or the model's policy, or set 'archflow.provider' to 'anthropic'.`,
        );
  }
  if (code === vscode.LanguageModelError.NotFound().code) {
    return new LlmError(
      'not-found',
      facts,
      `The language model is no longer available (${message}). Sign in again to the extension that provides it, or pick another model.`,
    );
  }
  if (QUOTA.test(message)) {
    return new LlmError(
      'rate-limit',
      facts,
      `The language model's quota or rate limit was reached (${message}). Wait, or pick another model, or set 'archflow.provider' to 'anthropic'.`,
    );
  }
  return new LlmError('stream-dropped', { provider, cause: message });
}
