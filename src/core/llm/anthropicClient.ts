/** The Anthropic implementation of the LLM port: the only file that knows the SDK and its events. */
import Anthropic from '@anthropic-ai/sdk';
import { LlmError, type LlmChunk, type LlmClient, type LlmRequest, type PromptBlock, type Usage } from './types';

export interface AnthropicClientOptions {
  apiKey: string;
  /** Endpoint override (tests, proxies); the SDK default when empty. */
  baseURL?: string;
  /** Per-request timeout before headers arrive, in ms. */
  timeoutMs?: number;
}

/**
 * Creates an LLM client over the official SDK. The SDK's own retries are off (maxRetries 0):
 * it obeys retry-after without a cap and cannot retry a stream that broke midway, so the engine
 * retries whole steps with its own bounded, cancellable policy.
 */
export function createAnthropicClient(options: AnthropicClientOptions): LlmClient {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL || undefined,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 10 * 60 * 1000,
  });
  return {
    stream: (request, signal) => streamMessage(client, request, signal),
  };
}

function toBlocks(blocks: PromptBlock[]): Anthropic.TextBlockParam[] {
  return blocks.map((b) =>
    b.cache ? { type: 'text', text: b.text, cache_control: { type: 'ephemeral' } } : { type: 'text', text: b.text },
  );
}

async function* streamMessage(client: Anthropic, request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmChunk> {
  const usage: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  let stopReason: string | null = null;
  let model = request.model;
  let stopped = false;
  try {
    const stream = await client.messages.create(
      {
        model: request.model,
        max_tokens: request.maxTokens,
        system: toBlocks(request.system),
        messages: request.turns.map((t) => ({ role: t.role, content: toBlocks(t.content) })),
        stream: true,
      },
      { signal },
    );
    for await (const event of stream) {
      switch (event.type) {
        case 'message_start':
          model = event.message.model || model;
          usage.input = event.message.usage.input_tokens ?? 0;
          usage.cacheRead = event.message.usage.cache_read_input_tokens ?? 0;
          usage.cacheWrite = event.message.usage.cache_creation_input_tokens ?? 0;
          usage.output = event.message.usage.output_tokens ?? 0;
          break;
        case 'content_block_delta':
          if (event.delta.type === 'text_delta') yield { type: 'text', text: event.delta.text };
          break;
        case 'message_delta':
          stopReason = event.delta.stop_reason ?? stopReason;
          usage.output = event.usage.output_tokens ?? usage.output;
          break;
        case 'message_stop':
          stopped = true;
          break;
        default:
          break;
      }
    }
  } catch (err) {
    throw mapError(err, signal);
  }
  if (signal.aborted) throw cancelled();
  if (!stopped) {
    throw new LlmError(
      'stream-dropped',
      'The connection to the Anthropic API closed before the answer was complete. Archflow retries a few times; if it keeps happening, check your network or proxy and run the step again.',
    );
  }
  yield { type: 'done', stopReason: stopReason ?? 'end_turn', usage, model };
}

function cancelled(): LlmError {
  return new LlmError('cancelled', 'Cancelled.');
}

/** Seconds from a retry-after header, when present and sane. */
function retryAfter(headers: unknown): number | undefined {
  const h = headers as { get?: (name: string) => string | null } | undefined;
  const raw = h?.get?.('retry-after');
  if (!raw) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n) && n >= 0) return n;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/** Maps anything the SDK throws to an LlmError whose message names the cause and the remedy. */
export function mapError(err: unknown, signal?: AbortSignal): LlmError {
  if (err instanceof LlmError) return err;
  if (signal?.aborted || err instanceof Anthropic.APIUserAbortError) return cancelled();
  if (err instanceof Anthropic.APIConnectionTimeoutError) {
    return new LlmError(
      'timeout',
      'The Anthropic API did not answer in time. Check your network or proxy, then run the step again.',
    );
  }
  if (err instanceof Anthropic.APIConnectionError) {
    return new LlmError(
      'network',
      `Could not reach the Anthropic API (${err.message}). Check your network, proxy or the archflow.anthropic.baseUrl setting, then run the step again.`,
    );
  }
  if (err instanceof Anthropic.APIError) {
    const detail = err.apiMessage ? ` The API said: ${err.apiMessage}` : '';
    const wait = retryAfter(err.headers);
    const status = err.status;
    if (status === 401 || err.type === 'authentication_error') {
      return new LlmError(
        'auth',
        `The Anthropic API rejected the API key (401).${detail} Set a valid key with "Archflow: Set API Key" or the ANTHROPIC_API_KEY environment variable.`,
      );
    }
    if (status === 403 || err.type === 'permission_error') {
      return new LlmError(
        'permission',
        `The API key may not use this model or endpoint (403).${detail} Check the key's workspace permissions or choose another model in archflow.model.`,
      );
    }
    if (status === 404 || err.type === 'not_found_error') {
      return new LlmError(
        'not-found',
        `The model or endpoint was not found (404).${detail} Check the archflow.model setting and archflow.anthropic.baseUrl.`,
      );
    }
    if (status === 429 || err.type === 'rate_limit_error') {
      return new LlmError(
        'rate-limit',
        `The Anthropic API rate limit was reached (429).${detail} Archflow waited and retried; wait a minute or lower archflow.concurrency, then run again.`,
        wait,
      );
    }
    if (status === 529 || err.type === 'overloaded_error') {
      return new LlmError(
        'overloaded',
        `The Anthropic API is overloaded (529).${detail} Archflow retried; try again in a few minutes.`,
        wait,
      );
    }
    if (status === 400 || status === 413 || err.type === 'invalid_request_error') {
      return new LlmError(
        'bad-request',
        `The Anthropic API refused the request (${status ?? 'invalid request'}).${detail} If the PRD is very large, shorten it or split it.`,
      );
    }
    if (status === undefined) {
      // An `event: error` inside the stream: the API failed mid-answer.
      return new LlmError(
        'stream-dropped',
        `The Anthropic API stopped the answer with an error.${detail} Archflow retries; run the step again if it persists.`,
      );
    }
    return new LlmError(
      'server',
      `The Anthropic API failed (${status}).${detail} Archflow retried; try again later.`,
      wait,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LlmError(
    'stream-dropped',
    `The answer stream broke (${message}). Archflow retries; check your network if it persists.`,
  );
}
