/**
 * `POST /v1/messages` and `/v1/messages/count_tokens`: checks the key and the body, asks the fake
 * model for the answer, shapes it by the fault and by `max_tokens`, accounts the prompt cache, and
 * hands it to the SSE or the JSON writer. Every request is recorded, whatever happens to it.
 */
import type * as http from 'node:http';
import { generateAnswer } from './answers/generate';
import { malformedAnswer } from './answers/malformed';
import { withOpenFinding } from './answers/revise';
import { partAnswer } from './answers/parts';
import { partName } from './faults';
import { errorMessageFor, errorTypeFor } from './errors';
import { apiKeyOf, readBody } from './incoming';
import { jsonAnswer, sendError, sendJson } from './json';
import type { AnswerPlan } from './message';
import { padAnswer } from './padding';
import { cutAt } from './pacing';
import { estimateTokens } from './promptCache';
import { flattenBlocks, validateBody, validateCount, type MessagesBody } from './request';
import { logLine, type RecordedRequest, type RecordedUsage, type RequestOutcome } from './requestLog';
import { streamAnswer } from './sse';
import type { FakeServerState } from './state';

/** Answers one Messages request (`countOnly`: the count_tokens endpoint). */
export async function handleMessages(
  state: FakeServerState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  countOnly: boolean,
): Promise<void> {
  const { settings } = state;
  const started = Date.now();
  const key = apiKeyOf(req);
  const requestId = settings.echoKey ? `req_${key ?? ''}_${state.nextRequestId()}` : state.nextRequestId();
  // A hostile endpoint quotes what it was sent in every error.
  const echo = settings.echoKey
    ? ` (received x-api-key: ${key ?? ''}; authorization: Bearer ${key ?? ''}; "api_key": "${key ?? ''}")`
    : '';
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
  state.requests.push(record);
  const finish = (status: number, outcome: RequestOutcome): void => {
    record.status = status;
    record.outcome = outcome;
    record.durationMs = Date.now() - started;
    settings.log?.(logLine(record));
  };

  const { text, tooLarge } = await readBody(req);
  if (tooLarge) {
    sendError(res, requestId, 413, 'request_too_large', errorMessageFor('request_too_large'));
    return finish(413, 'error-status');
  }
  try {
    record.body = JSON.parse(text);
  } catch {
    sendError(res, requestId, 400, 'invalid_request_error', 'The request body is not valid JSON.');
    return finish(400, 'error-status');
  }
  if (!record.apiKeyPresent) {
    sendError(res, requestId, 401, 'authentication_error', `x-api-key header is required${echo}`);
    return finish(401, 'error-status');
  }
  const accepted = settings.validKeys ? settings.validKeys.includes(key as string) : !(key as string).startsWith('bad');
  if (!accepted) {
    sendError(res, requestId, 401, 'authentication_error', `invalid x-api-key${echo}`);
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
  const replayed = settings.replay ? new Set(Object.keys(settings.replay).map(Number)) : undefined;
  const answer = generateAnswer(body, replayed);
  record.step = answer.step;
  record.repair = answer.repair;
  if (answer.part) record.part = partName(answer.part);

  const taken = state.faults.take(answer.step, answer.part);
  const fault =
    taken && echo && (taken.kind === 'status' || taken.kind === 'sse-error')
      ? {
          ...taken,
          message:
            errorMessageFor(
              taken.errorType ?? (taken.kind === 'status' ? errorTypeFor(taken.status ?? 500) : 'overloaded_error'),
              taken.message,
            ) + echo,
        }
      : taken;
  if (fault) record.fault = fault.kind;
  if (fault?.kind === 'status') {
    const status = fault.status ?? 500;
    const type = fault.errorType ?? errorTypeFor(status);
    const headers: http.OutgoingHttpHeaders =
      fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
    sendError(res, requestId, status, type, errorMessageFor(type, fault.message), headers);
    return finish(status, 'error-status');
  }
  if (fault?.kind === 'drop') {
    req.socket.destroy();
    return finish(0, 'dropped');
  }

  // The answer (a recorded one when replaying), shaped by the fault and by max_tokens.
  const recorded = answer.step !== null ? settings.replay?.[answer.step] : undefined;
  // Padding makes a whole answer as long as a real one (not a revision's sections); a part is cut
  // out of the padded whole answer, as it is out of a recorded one.
  const padTo = answer.step !== null && !answer.revision ? settings.padTo?.[answer.step] : undefined;
  const whole = recorded ?? (padTo ? padAnswer(answer.whole ?? answer.text, padTo) : undefined);
  const answerText =
    whole === undefined ? answer.text : answer.part ? partAnswer(whole, answer.part, answer.step ?? 0) : whole;
  let output =
    fault?.kind === 'malformed'
      ? malformedAnswer(answerText, answer.step)
      : fault?.kind === 'open-finding'
        ? withOpenFinding(answerText)
        : answerText;
  let stopReason = 'end_turn';
  if (fault?.kind === 'max-tokens') {
    output = cutAt(output, fault.afterChars ?? Math.floor(output.length * 0.6));
    stopReason = 'max_tokens';
  }
  if (estimateTokens(output) > body.max_tokens) {
    output = cutAt(output, body.max_tokens * 4);
    stopReason = 'max_tokens';
  }
  // What this request writes is readable once its response begins, after the latency.
  const input = state.cache.account(body.model, flattenBlocks(body), settings.latencyMs);
  const usage: RecordedUsage = { ...input, output_tokens: Math.max(1, estimateTokens(output)) };
  record.usage = { ...usage };
  record.stopReason = stopReason;

  const abort = new AbortController();
  state.open.add(abort);
  res.on('close', () => abort.abort());
  try {
    // The message id takes the counter as it stands now, as it always has (requests may have
    // arrived while this body was read).
    const plan: AnswerPlan = {
      requestId,
      messageId: `msg_fake_${String(state.counter).padStart(6, '0')}`,
      model: body.model,
      output,
      stopReason,
      usage,
      fault,
    };
    if (record.stream) {
      const outcome = await streamAnswer(res, abort.signal, plan, settings);
      if (outcome === 'complete' && stopReason === 'max_tokens') return finish(200, 'max_tokens');
      if (outcome !== 'complete')
        record.usage.output_tokens = Math.max(1, estimateTokens(cutAt(output, fault?.afterChars ?? output.length)));
      return finish(200, outcome);
    }
    const outcome = await jsonAnswer(res, abort.signal, plan, settings.latencyMs);
    return finish(
      outcome === 'sse-error' ? 529 : outcome === 'aborted' ? 0 : 200,
      outcome === 'complete' && stopReason === 'max_tokens' ? 'max_tokens' : outcome,
    );
  } finally {
    state.open.delete(abort);
  }
}
