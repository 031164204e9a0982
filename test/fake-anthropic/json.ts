/** The JSON writers: plain JSON responses, API error bodies, and a non-streamed answer with its faults. */
import type * as http from 'node:http';
import { errorMessageFor } from './errors';
import { type AnswerPlan, messageObject } from './message';
import { sleep } from './pacing';
import type { RequestOutcome } from './requestLog';

/** Sends `body` as JSON with a content length. */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Sends an error in the API's shape: `{type: "error", error: {type, message}, request_id}`. */
export function sendError(
  res: http.ServerResponse,
  requestId: string,
  status: number,
  type: string,
  message: string,
  headers: http.OutgoingHttpHeaders = {},
): void {
  sendJson(
    res,
    status,
    { type: 'error', error: { type, message }, request_id: requestId },
    { 'request-id': requestId, ...headers },
  );
}

/** Answers a non-streamed request: the whole message, or the planned stall, cut body or 529. */
export async function jsonAnswer(
  res: http.ServerResponse,
  signal: AbortSignal,
  p: AnswerPlan,
  latencyMs: number,
): Promise<RequestOutcome> {
  if (latencyMs > 0) await sleep(latencyMs, signal);
  if (p.fault?.kind === 'stall') await sleep(p.fault.ms ?? Number.POSITIVE_INFINITY, signal);
  if (signal.aborted) return p.fault?.kind === 'stall' ? 'stalled' : 'aborted';
  if (p.fault?.kind === 'sse-error') {
    const type = p.fault.errorType ?? 'overloaded_error';
    sendError(res, p.requestId, 529, type, errorMessageFor(type, p.fault.message));
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
