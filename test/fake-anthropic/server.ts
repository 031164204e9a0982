/**
 * A fake Anthropic Messages API: a real HTTP server on 127.0.0.1 that streams SSE like the real
 * API (message_start, content_block_start, ping, content_block_delta…, content_block_stop,
 * message_delta, message_stop), answers every Archflow step for any PRD (responses.ts),
 * simulates prompt caching (promptCache.ts) and injects faults on demand.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PromptCache, estimateTokens, type InputUsage } from './promptCache';
import { flattenBlocks, validateBody, type MessagesBody } from './request';
import { generateAnswer, malformedAnswer } from './responses';

/** Kinds of injected faults. */
export type FaultKind = 'status' | 'drop' | 'stall' | 'cut' | 'max-tokens' | 'malformed' | 'sse-error';

export const FAULT_KINDS: readonly FaultKind[] = [
  'status',
  'drop',
  'stall',
  'cut',
  'max-tokens',
  'malformed',
  'sse-error',
];

/**
 * A fault rule. Rules are tried in order; the first one that matches the request's step (any
 * step when `step` is omitted) and has uses left applies, and one use is consumed.
 */
export interface FaultRule {
  kind: FaultKind;
  /** Only requests of this step (1-8); any request when omitted. */
  step?: number;
  /** How many matching requests the rule applies to; every one when omitted. */
  times?: number;
  /** `status`: the HTTP status (429, 500, 529, …). */
  status?: number;
  /** `status`: seconds for the `retry-after` header. */
  retryAfter?: number;
  /** `status` / `sse-error`: the error type; derived from the status when omitted. */
  errorType?: string;
  /** `status` / `sse-error`: the error message. */
  message?: string;
  /** `stall`: how long to stay silent after message_start; until the client aborts when omitted. */
  ms?: number;
  /** `cut` / `max-tokens` / `sse-error`: characters of text sent before the fault (default: half). */
  afterChars?: number;
  /** `cut`: destroy the socket instead of ending the response cleanly. */
  abrupt?: boolean;
}

export interface FakeAnthropicOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Only 127.0.0.1 is allowed. */
  host?: string;
  /** Accepted API keys. Default: any non-empty key that does not start with "bad". */
  validKeys?: string[];
  /** Delay between text deltas in ms (default 0). */
  chunkDelayMs?: number;
  /** Characters per text delta (default 80). */
  chunkSize?: number;
  /** Delay before message_start (time to first byte) in ms (default 0). */
  latencyMs?: number;
  /** Initial fault rules. */
  faults?: FaultRule[];
  /** Smallest cacheable prefix in tokens (default 1024). */
  minCacheTokens?: number;
  /** Called with one line per request (for the CLI's --verbose). */
  log?: (line: string) => void;
}

/** Usage as reported to the client. */
export interface RecordedUsage extends InputUsage {
  output_tokens: number;
}

export type RequestOutcome =
  'in-progress' | 'complete' | 'max_tokens' | 'error-status' | 'dropped' | 'stalled' | 'cut' | 'sse-error' | 'aborted';

/** One request as the fake saw it. The API key itself is never recorded. */
export interface RecordedRequest {
  /** The `request-id` header sent back. */
  id: string;
  /** ISO time the request arrived. */
  time: string;
  method: string;
  path: string;
  /** Step from `# Task: Step N`, or null. */
  step: number | null;
  /** The request was a repair turn. */
  repair: boolean;
  model: string | null;
  stream: boolean;
  /** Whether an API key header (x-api-key or Authorization) was present. */
  apiKeyPresent: boolean;
  apiKeyAccepted: boolean;
  anthropicVersion: string | null;
  /** The parsed JSON body (undefined when it did not parse). */
  body: unknown;
  /** HTTP status sent (0 when the connection was dropped before a response). */
  status: number;
  fault?: FaultKind;
  outcome: RequestOutcome;
  usage?: RecordedUsage;
  stopReason?: string;
  durationMs?: number;
}

export interface UsageTotals extends RecordedUsage {
  requests: number;
}

export interface FakeAnthropic {
  /** http://127.0.0.1:<port> — use as the SDK's baseURL. */
  readonly url: string;
  readonly port: number;
  /** Every request received since start or the last reset, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Fault rules with their remaining uses. */
  readonly faults: readonly (FaultRule & { remaining: number | null })[];
  /** Replaces the fault rules. */
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  /** Forgets requests, the prompt cache and the fault rules. */
  reset(): void;
  /** Sum of the usage of every recorded request. */
  usageTotals(): UsageTotals;
  /** Stops listening and ends every open connection (stalled streams included). */
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const ERROR_MESSAGES: Record<string, string> = {
  invalid_request_error: 'Invalid request.',
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low to access the Anthropic API.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  timeout_error: 'Request timed out.',
  conflict_error: 'Conflict.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  api_error: 'Internal server error.',
  overloaded_error: 'Overloaded',
};

/** The API's error type for a status code. */
export function errorTypeFor(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Checks fault rules (from JSON); throws naming the first problem. */
export function parseFaultRules(input: unknown): FaultRule[] {
  const list = Array.isArray(input) ? input : (input as { faults?: unknown } | null)?.faults;
  if (!Array.isArray(list)) throw new Error('Fault rules must be a JSON array (or {"faults": [...]}).');
  return list.map((x, i) => {
    if (typeof x !== 'object' || x === null) throw new Error(`Fault rule ${i} must be an object.`);
    const r = x as Record<string, unknown>;
    if (!FAULT_KINDS.includes(r.kind as FaultKind))
      throw new Error(`Fault rule ${i}: kind must be one of ${FAULT_KINDS.join(', ')}.`);
    const int = (k: string, min: number): void => {
      if (r[k] !== undefined && (typeof r[k] !== 'number' || !Number.isInteger(r[k]) || (r[k] as number) < min)) {
        throw new Error(`Fault rule ${i}: ${k} must be an integer ≥ ${min}.`);
      }
    };
    int('step', 1);
    int('times', 1);
    int('ms', 0);
    int('afterChars', 0);
    if (r.retryAfter !== undefined && (typeof r.retryAfter !== 'number' || r.retryAfter < 0)) {
      throw new Error(`Fault rule ${i}: retryAfter must be a number of seconds ≥ 0.`);
    }
    if (r.kind === 'status') {
      if (typeof r.status !== 'number' || !Number.isInteger(r.status) || r.status < 400 || r.status > 599) {
        throw new Error(`Fault rule ${i}: a status fault needs "status" between 400 and 599.`);
      }
    }
    for (const k of ['errorType', 'message'] as const) {
      if (r[k] !== undefined && typeof r[k] !== 'string') throw new Error(`Fault rule ${i}: ${k} must be a string.`);
    }
    return { ...(r as unknown as FaultRule) };
  });
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : undefined;
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Splits text into deltas of about `size` characters without breaking surrogate pairs. */
function chunksOf(text: string, size: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + size);
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end])) end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

function cutAt(text: string, n: number): string {
  let end = Math.max(0, Math.min(text.length, n));
  if (end > 0 && end < text.length && /[\uDC00-\uDFFF]/.test(text[end])) end--;
  return text.slice(0, end);
}

function readBody(req: http.IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', reject);
  });
}

function apiKeyOf(req: http.IncomingMessage): string | undefined {
  const x = req.headers['x-api-key'];
  const key = Array.isArray(x) ? x[0] : x;
  if (key) return key;
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m ? m[1] : undefined;
}

/** Starts the fake server; resolves once it listens. */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`The fake Anthropic server only listens on 127.0.0.1 (got ${host}).`);
  const chunkSize = Math.max(1, options.chunkSize ?? 80);
  const chunkDelayMs = Math.max(0, options.chunkDelayMs ?? 0);
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const cache = new PromptCache({ minTokens: options.minCacheTokens ?? 1024 });
  const log: RecordedRequest[] = [];
  let rules: ActiveRule[] = [];
  let counter = 0;
  const open = new Set<AbortController>();

  const setFaults = (list: FaultRule[]): void => {
    rules = parseFaultRules(list).map((rule) => ({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }));
  };
  setFaults(options.faults ?? []);

  const takeFault = (step: number | null): FaultRule | undefined => {
    const hit = rules.find((r) => r.remaining > 0 && (r.rule.step === undefined || r.rule.step === step));
    if (hit) hit.remaining--;
    return hit?.rule;
  };

  const sendJson = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: http.OutgoingHttpHeaders = {},
  ): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  const sendError = (
    res: http.ServerResponse,
    requestId: string,
    status: number,
    type: string,
    message: string,
    headers: http.OutgoingHttpHeaders = {},
  ): void => {
    sendJson(
      res,
      status,
      { type: 'error', error: { type, message }, request_id: requestId },
      { 'request-id': requestId, ...headers },
    );
  };

  async function handleMessages(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    countOnly: boolean,
  ): Promise<void> {
    const started = Date.now();
    const requestId = `req_fake_${String(++counter).padStart(6, '0')}`;
    const key = apiKeyOf(req);
    const version = req.headers['anthropic-version'];
    const record: RecordedRequest = {
      id: requestId,
      time: new Date(started).toISOString(),
      method: req.method ?? 'POST',
      path: req.url ?? '',
      step: null,
      repair: false,
      model: null,
      stream: false,
      apiKeyPresent: key !== undefined && key.length > 0,
      apiKeyAccepted: false,
      anthropicVersion: typeof version === 'string' ? version : null,
      body: undefined,
      status: 0,
      outcome: 'in-progress',
    };
    log.push(record);
    const finish = (status: number, outcome: RequestOutcome): void => {
      record.status = status;
      record.outcome = outcome;
      record.durationMs = Date.now() - started;
      options.log?.(
        `${record.time} ${requestId} step=${record.step ?? '-'}${record.repair ? ' repair' : ''} ${status || 'drop'} ${outcome}${record.fault ? ` fault=${record.fault}` : ''}${
          record.usage
            ? ` in=${record.usage.input_tokens} cw=${record.usage.cache_creation_input_tokens} cr=${record.usage.cache_read_input_tokens} out=${record.usage.output_tokens}`
            : ''
        }`,
      );
    };

    const { text, tooLarge } = await readBody(req);
    if (tooLarge) {
      sendError(res, requestId, 413, 'request_too_large', ERROR_MESSAGES.request_too_large);
      return finish(413, 'error-status');
    }
    try {
      record.body = JSON.parse(text);
    } catch {
      sendError(res, requestId, 400, 'invalid_request_error', 'The request body is not valid JSON.');
      return finish(400, 'error-status');
    }
    if (!record.apiKeyPresent) {
      sendError(res, requestId, 401, 'authentication_error', 'x-api-key header is required');
      return finish(401, 'error-status');
    }
    const accepted = options.validKeys ? options.validKeys.includes(key as string) : !(key as string).startsWith('bad');
    if (!accepted) {
      sendError(res, requestId, 401, 'authentication_error', 'invalid x-api-key');
      return finish(401, 'error-status');
    }
    record.apiKeyAccepted = true;
    const problem = countOnly ? validateCount(record.body) : validateBody(record.body);
    if (problem) {
      sendError(res, requestId, 400, 'invalid_request_error', problem);
      return finish(400, 'error-status');
    }
    const body = record.body as MessagesBody;
    record.model = body.model;
    if (countOnly) {
      const input = flattenBlocks({ ...body, max_tokens: 1 }).reduce((n, b) => n + estimateTokens(b.text), 0);
      sendJson(res, 200, { input_tokens: input }, { 'request-id': requestId });
      return finish(200, 'complete');
    }
    record.stream = body.stream === true;
    const answer = generateAnswer(body);
    record.step = answer.step;
    record.repair = answer.repair;

    const fault = takeFault(answer.step);
    if (fault) record.fault = fault.kind;
    if (fault?.kind === 'status') {
      const status = fault.status ?? 500;
      const type = fault.errorType ?? errorTypeFor(status);
      const headers: http.OutgoingHttpHeaders =
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      sendError(res, requestId, status, type, fault.message ?? ERROR_MESSAGES[type] ?? 'Error.', headers);
      return finish(status, 'error-status');
    }
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return finish(0, 'dropped');
    }

    // The answer, shaped by the fault and by max_tokens.
    let output = fault?.kind === 'malformed' ? malformedAnswer(answer.text, answer.step) : answer.text;
    let stopReason = 'end_turn';
    if (fault?.kind === 'max-tokens') {
      output = cutAt(output, fault.afterChars ?? Math.floor(output.length * 0.6));
      stopReason = 'max_tokens';
    }
    if (estimateTokens(output) > body.max_tokens) {
      output = cutAt(output, body.max_tokens * 4);
      stopReason = 'max_tokens';
    }
    const input = cache.account(body.model, flattenBlocks(body));
    const usage: RecordedUsage = { ...input, output_tokens: Math.max(1, estimateTokens(output)) };
    record.usage = { ...usage };
    record.stopReason = stopReason;

    const abort = new AbortController();
    open.add(abort);
    res.on('close', () => abort.abort());
    try {
      const messageId = `msg_fake_${String(counter).padStart(6, '0')}`;
      if (record.stream) {
        const outcome = await streamAnswer(res, abort.signal, {
          requestId,
          messageId,
          model: body.model,
          output,
          stopReason,
          usage,
          fault,
        });
        if (outcome === 'complete' && stopReason === 'max_tokens') return finish(200, 'max_tokens');
        if (outcome !== 'complete')
          record.usage.output_tokens = Math.max(1, estimateTokens(cutAt(output, fault?.afterChars ?? output.length)));
        return finish(200, outcome);
      }
      const outcome = await jsonAnswer(res, abort.signal, {
        requestId,
        messageId,
        model: body.model,
        output,
        stopReason,
        usage,
        fault,
      });
      return finish(
        outcome === 'sse-error' ? 529 : outcome === 'aborted' ? 0 : 200,
        outcome === 'complete' && stopReason === 'max_tokens' ? 'max_tokens' : outcome,
      );
    } finally {
      open.delete(abort);
    }
  }

  interface AnswerPlan {
    requestId: string;
    messageId: string;
    model: string;
    output: string;
    stopReason: string;
    usage: RecordedUsage;
    fault: FaultRule | undefined;
  }

  function messageObject(p: AnswerPlan, text: string | null, outputTokens: number): Record<string, unknown> {
    return {
      id: p.messageId,
      type: 'message',
      role: 'assistant',
      model: p.model,
      content: text === null ? [] : [{ type: 'text', text }],
      stop_reason: text === null ? null : p.stopReason,
      stop_sequence: null,
      usage: {
        input_tokens: p.usage.input_tokens,
        cache_creation_input_tokens: p.usage.cache_creation_input_tokens,
        cache_read_input_tokens: p.usage.cache_read_input_tokens,
        cache_creation: {
          ephemeral_5m_input_tokens: p.usage.cache_creation_input_tokens,
          ephemeral_1h_input_tokens: 0,
        },
        output_tokens: outputTokens,
        service_tier: 'standard',
      },
    };
  }

  async function streamAnswer(res: http.ServerResponse, signal: AbortSignal, p: AnswerPlan): Promise<RequestOutcome> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'request-id': p.requestId,
    });
    const send = (event: string, data: unknown): void => {
      if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    if (latencyMs > 0) await sleep(latencyMs, signal);
    if (signal.aborted) return 'aborted';
    send('message_start', { type: 'message_start', message: messageObject(p, null, 1) });
    if (p.fault?.kind === 'stall') {
      await sleep(p.fault.ms ?? Number.POSITIVE_INFINITY, signal);
      if (signal.aborted) return 'stalled';
    }
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    send('ping', { type: 'ping' });
    const limit =
      p.fault?.kind === 'cut' || p.fault?.kind === 'sse-error'
        ? (p.fault.afterChars ?? Math.floor(p.output.length / 2))
        : Number.POSITIVE_INFINITY;
    const text = Number.isFinite(limit) ? cutAt(p.output, limit) : p.output;
    const chunks = chunksOf(text, chunkSize);
    for (let i = 0; i < chunks.length; i++) {
      if (signal.aborted) return 'aborted';
      send('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: chunks[i] },
      });
      if (chunkDelayMs > 0 && i < chunks.length - 1) await sleep(chunkDelayMs, signal);
    }
    if (signal.aborted) return 'aborted';
    if (p.fault?.kind === 'cut') {
      if (p.fault.abrupt) res.destroy();
      else res.end();
      return 'cut';
    }
    if (p.fault?.kind === 'sse-error') {
      const type = p.fault.errorType ?? 'overloaded_error';
      send('error', { type: 'error', error: { type, message: p.fault.message ?? ERROR_MESSAGES[type] ?? 'Error.' } });
      res.end();
      return 'sse-error';
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: p.stopReason, stop_sequence: null },
      usage: {
        input_tokens: p.usage.input_tokens,
        cache_creation_input_tokens: p.usage.cache_creation_input_tokens,
        cache_read_input_tokens: p.usage.cache_read_input_tokens,
        output_tokens: p.usage.output_tokens,
      },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
    return 'complete';
  }

  async function jsonAnswer(res: http.ServerResponse, signal: AbortSignal, p: AnswerPlan): Promise<RequestOutcome> {
    if (latencyMs > 0) await sleep(latencyMs, signal);
    if (p.fault?.kind === 'stall') await sleep(p.fault.ms ?? Number.POSITIVE_INFINITY, signal);
    if (signal.aborted) return p.fault?.kind === 'stall' ? 'stalled' : 'aborted';
    if (p.fault?.kind === 'sse-error') {
      const type = p.fault.errorType ?? 'overloaded_error';
      sendError(res, p.requestId, 529, type, p.fault.message ?? ERROR_MESSAGES[type] ?? 'Error.');
      return 'sse-error';
    }
    const json = JSON.stringify(messageObject(p, p.output, p.usage.output_tokens));
    if (p.fault?.kind === 'cut') {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': p.requestId });
      res.write(json.slice(0, p.fault.afterChars ?? Math.floor(json.length / 2)));
      if (p.fault.abrupt) res.destroy();
      else res.end();
      return 'cut';
    }
    sendJson(res, 200, JSON.parse(json), { 'request-id': p.requestId });
    return 'complete';
  }

  async function handleControl(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/_control/faults' && method === 'POST') {
      const { text } = await readBody(req);
      try {
        setFaults(parseFaultRules(JSON.parse(text)));
      } catch (err) {
        return sendJson(res, 400, { ok: false, error: (err as Error).message });
      }
      return sendJson(res, 200, { ok: true, faults: fake.faults });
    }
    if (path === '/_control/faults' && method === 'DELETE') {
      rules = [];
      return sendJson(res, 200, { ok: true });
    }
    if (path === '/_control/faults' && method === 'GET') return sendJson(res, 200, fake.faults);
    if (path === '/_control/requests' && method === 'GET') {
      const withBodies = query.get('bodies') !== '0';
      return sendJson(
        res,
        200,
        log.map((r) => (withBodies ? r : { ...r, body: undefined })),
      );
    }
    if (path === '/_control/reset' && method === 'POST') {
      fake.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (path === '/_control/health' && method === 'GET') return sendJson(res, 200, { ok: true });
    return sendJson(res, 404, { ok: false, error: `No control endpoint ${method} ${path}` });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const run = async (): Promise<void> => {
      if (path.startsWith('/_control/')) return handleControl(req, res, path, url.searchParams);
      if (path === '/v1/messages' && req.method === 'POST') return handleMessages(req, res, false);
      if (path === '/v1/messages/count_tokens' && req.method === 'POST') return handleMessages(req, res, true);
      req.resume();
      sendError(
        res,
        `req_fake_${String(++counter).padStart(6, '0')}`,
        404,
        'not_found_error',
        `Not found: ${req.method} ${path}`,
      );
    };
    run().catch((err: unknown) => {
      if (!res.headersSent)
        sendError(res, 'req_fake_error', 500, 'api_error', `Fake server failure: ${(err as Error).message}`);
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const fake: FakeAnthropic = {
    url: `http://${host}:${port}`,
    port,
    get requests() {
      return log;
    },
    get faults() {
      return rules.map((r) => ({ ...r.rule, remaining: Number.isFinite(r.remaining) ? r.remaining : null }));
    },
    setFaults,
    clearFaults: () => {
      rules = [];
    },
    reset: () => {
      log.length = 0;
      cache.clear();
      rules = [];
    },
    usageTotals: () => {
      const t: UsageTotals = {
        requests: 0,
        input_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 0,
      };
      for (const r of log) {
        if (!r.usage) continue;
        t.requests++;
        t.input_tokens += r.usage.input_tokens;
        t.cache_creation_input_tokens += r.usage.cache_creation_input_tokens;
        t.cache_read_input_tokens += r.usage.cache_read_input_tokens;
        t.output_tokens += r.usage.output_tokens;
      }
      return t;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const a of open) a.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}

function validateCount(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'Request body must be a JSON object.';
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string') return 'model: Field required';
  if (!Array.isArray(b.messages) || b.messages.length === 0) return 'messages: at least one message is required';
  return undefined;
}
