/**
 * The Anthropic implementation of the LLM port: the only file that knows the SDK and its events.
 * The SDK is loaded on the first call that needs it, not when the extension starts: in the
 * bundles it is a file of its own (dist/anthropic-sdk.js, esbuild.mjs), a third of the extension.
 */
import type AnthropicSdk from '@anthropic-ai/sdk';
import {
  LlmError,
  apiSaid,
  type LlmChunk,
  type LlmClient,
  type LlmErrorKind,
  type LlmRequest,
  type PromptBlock,
  type StopReason,
  type UsageTotals,
} from './types';

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
  let client: AnthropicSdk | undefined;
  const connect = (): AnthropicSdk => {
    const Anthropic = sdk();
    client ??= new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL || undefined,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 10 * 60 * 1000,
    });
    return client;
  };
  return {
    provider: PROVIDER,
    stream: (request, signal) => streamMessage(connect(), request, signal),
  };
}

let loaded: typeof AnthropicSdk | undefined;

/** The SDK's client class, required on first use. */
function sdk(): typeof AnthropicSdk {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@anthropic-ai/sdk') as { default?: typeof AnthropicSdk } & typeof AnthropicSdk;
    loaded = mod.default ?? mod;
  }
  return loaded;
}

/** How messages name this provider. */
const PROVIDER = 'the Anthropic API';

/** The API's stop reasons in the port's words. */
const STOP_REASONS: Readonly<Record<string, StopReason>> = {
  end_turn: 'end',
  max_tokens: 'max-tokens',
  stop_sequence: 'stop-sequence',
  refusal: 'refusal',
};

function toBlocks(blocks: PromptBlock[]): AnthropicSdk.TextBlockParam[] {
  return blocks.map((b) =>
    b.cache ? { type: 'text', text: b.text, cache_control: { type: 'ephemeral' } } : { type: 'text', text: b.text },
  );
}

async function* streamMessage(
  client: AnthropicSdk,
  request: LlmRequest,
  signal: AbortSignal,
): AsyncGenerator<LlmChunk> {
  const usage: UsageTotals = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  let stopReason: string | null = null;
  let model = request.model;
  let stopped = false;
  let started = false;
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
          started = true;
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
    const mapped = mapError(err, signal);
    // Tokens the API reported before the failure were billed: the step's record counts them.
    if (!started) throw mapped;
    // The connection broke after the answer began: the stream dropped, the API was reached.
    const dropped =
      mapped.kind === 'network'
        ? new LlmError(
            'stream-dropped',
            { provider: PROVIDER, cause: mapped.facts.cause },
            'The connection to the Anthropic API closed before the answer was complete. Archflow retries a few times; if it keeps happening, check your network or proxy and run the step again.',
          )
        : mapped;
    throw dropped.with({ usage: { ...usage } });
  }
  if (signal.aborted) throw started ? cancelled().with({ usage: { ...usage } }) : cancelled();
  if (!stopped) {
    throw new LlmError(
      'stream-dropped',
      { provider: PROVIDER, ...(started ? { usage: { ...usage } } : {}) },
      'The connection to the Anthropic API closed before the answer was complete. Archflow retries a few times; if it keeps happening, check your network or proxy and run the step again.',
    );
  }
  yield { type: 'done', stopReason: STOP_REASONS[stopReason ?? 'end_turn'] ?? 'other', usage, model };
}

function cancelled(): LlmError {
  return new LlmError('cancelled', { provider: PROVIDER });
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

/** The API's error kinds by HTTP status and by the error type of its body. */
const BY_STATUS: Readonly<Record<number, LlmErrorKind>> = {
  400: 'bad-request',
  401: 'auth',
  403: 'permission',
  404: 'not-found',
  413: 'too-large',
  429: 'rate-limit',
  529: 'overloaded',
};
const BY_TYPE: Readonly<Record<string, LlmErrorKind>> = {
  invalid_request_error: 'bad-request',
  request_too_large: 'too-large',
  authentication_error: 'auth',
  permission_error: 'permission',
  not_found_error: 'not-found',
  rate_limit_error: 'rate-limit',
  overloaded_error: 'overloaded',
};

/** What the API says when a request is too large for the model ("prompt is too long: 250000 tokens > 200000 maximum"). */
const TOO_LARGE =
  /too long|too large|too many (?:input )?tokens|exceeds? the (?:maximum|limit)|context (?:length|window)/i;

/** Maps anything the SDK throws to an LlmError: a kind and the facts the API gave. */
export function mapError(err: unknown, signal?: AbortSignal): LlmError {
  if (err instanceof LlmError) return err;
  const Anthropic = sdk();
  if (signal?.aborted || err instanceof Anthropic.APIUserAbortError) return cancelled();
  if (err instanceof Anthropic.APIConnectionTimeoutError) return new LlmError('timeout', { provider: PROVIDER });
  if (err instanceof Anthropic.APIConnectionError) {
    return new LlmError('network', { provider: PROVIDER, cause: err.message });
  }
  if (err instanceof Anthropic.APIError) {
    const facts = {
      provider: PROVIDER,
      // No status: an `event: error` inside the stream, not an HTTP response.
      ...(err.status !== undefined ? { status: err.status } : { inStream: true }),
      ...(err.apiMessage ? { apiMessage: err.apiMessage } : {}),
    };
    const byCode =
      (err.status !== undefined ? BY_STATUS[err.status] : undefined) ?? (err.type ? BY_TYPE[err.type] : undefined);
    // A 400 is about the size of the request only when the API says so.
    const kind = byCode === 'bad-request' && TOO_LARGE.test(err.apiMessage ?? '') ? 'too-large' : byCode;
    if (kind === 'rate-limit' || kind === 'overloaded') {
      const wait = retryAfter(err.headers);
      return new LlmError(kind, wait !== undefined ? { ...facts, retryAfterSec: wait } : facts);
    }
    if (kind) return new LlmError(kind, facts);
    if (err.status === undefined) {
      // An `event: error` inside the stream: the API failed mid-answer.
      return new LlmError(
        'stream-dropped',
        facts,
        `The Anthropic API stopped the answer with an error.${apiSaid(err.apiMessage)} Archflow retries; run the step again if it persists.`,
      );
    }
    const wait = retryAfter(err.headers);
    return new LlmError('server', wait !== undefined ? { ...facts, retryAfterSec: wait } : facts);
  }
  return new LlmError('stream-dropped', {
    provider: PROVIDER,
    cause: err instanceof Error ? err.message : String(err),
  });
}
