/**
 * The SSE writer: a streamed answer event by event as the real API sends it (message_start,
 * content_block_start, ping, content_block_delta…, content_block_stop, message_delta,
 * message_stop), with the planned stall, cut or error event acted out on the way.
 */
import type * as http from 'node:http';
import { errorMessageFor } from './errors';
import { type AnswerPlan, messageObject } from './message';
import { chunksOf, cutAt, sleep } from './pacing';
import type { RequestOutcome } from './requestLog';

/** How the text goes out: time to first byte, delta size and the pause between deltas. */
export interface StreamPacing {
  latencyMs: number;
  chunkSize: number;
  chunkDelayMs: number;
  /** Output tokens a second; when set, delta i goes out at i × chunk tokens / rate after the first. */
  tokensPerSecond?: number;
}

/** Streams the planned answer; resolves with how the stream ended. */
export async function streamAnswer(
  res: http.ServerResponse,
  signal: AbortSignal,
  p: AnswerPlan,
  pacing: StreamPacing,
): Promise<RequestOutcome> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'request-id': p.requestId,
  });
  const send = (event: string, data: unknown): void => {
    if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  if (pacing.latencyMs > 0) await sleep(pacing.latencyMs, signal);
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
  const chunks = chunksOf(text, pacing.chunkSize);
  const rate = pacing.tokensPerSecond && pacing.tokensPerSecond > 0 ? pacing.tokensPerSecond * 4 : 0;
  const t0 = Date.now();
  let sent = 0;
  for (let i = 0; i < chunks.length; i++) {
    if (signal.aborted) return 'aborted';
    send('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: chunks[i] },
    });
    sent += chunks[i].length;
    if (i === chunks.length - 1) continue;
    if (rate > 0) await sleep(t0 + (sent / rate) * 1000 - Date.now(), signal);
    else if (pacing.chunkDelayMs > 0) await sleep(pacing.chunkDelayMs, signal);
  }
  if (signal.aborted) return 'aborted';
  if (p.fault?.kind === 'cut') {
    if (p.fault.abrupt) res.destroy();
    else res.end();
    return 'cut';
  }
  if (p.fault?.kind === 'sse-error') {
    const type = p.fault.errorType ?? 'overloaded_error';
    send('error', { type: 'error', error: { type, message: errorMessageFor(type, p.fault.message) } });
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
