/**
 * An in-process model client for the engine's behaviour tests: a second implementation of the LLM
 * port, scripted call by call (answers, usage, stop reasons, errors, stalls), with no HTTP. Steps it
 * is not told about get the fake server's deterministic answer for the request.
 */
import {
  LlmError,
  type LlmChunk,
  type LlmClient,
  type LlmRequest,
  type StopReason,
  type Usage,
} from '../../src/core/llm/types';
import { generateAnswer, malformedAnswer } from '../fake-anthropic/responses';

/** What one call does, in order: waits, streams text, then ends (done, an error, or a stall). */
export interface ScriptedCall {
  /** The answer; default the fake server's answer to the request. A function receives that default. */
  text?: string | ((generated: string) => string);
  /** Break the answer the way the fake's `malformed` fault does, so it fails validation. */
  malformed?: boolean;
  /** Characters per text chunk (default 400). */
  chunkSize?: number;
  /** Delay before each chunk, in ms (default 0: a macrotask, so other steps interleave). */
  chunkDelayMs?: number;
  /** Usage reported at the end; default estimated from the text (4 characters a token), no cache counters. */
  usage?: Usage;
  stopReason?: StopReason;
  /** Stream this much of the answer, then throw `error` (a mid-stream failure when `afterChars` > 0). */
  error?: LlmError;
  afterChars?: number;
  /** Stream `afterChars` characters, then send nothing until the call is aborted (the idle watchdog's case). */
  stall?: boolean;
  /** Wait for this before streaming anything (or until the call is aborted). */
  gate?: Promise<void>;
}

/** A call the client received, with what happened to it. */
export interface RecordedCall {
  step: number | null;
  repair: boolean;
  request: LlmRequest;
  /** The text it streamed. */
  text: string;
  /** 'done', 'error', 'aborted' (the signal fired), or 'open' while it streams. */
  outcome: 'open' | 'done' | 'error' | 'aborted';
  /** Order stamps shared by all calls: when it started and when it ended. */
  startedAt: number;
  endedAt?: number;
}

/** The request as the Messages API body the fake's answer builder reads. */
function asMessagesBody(request: LlmRequest): Parameters<typeof generateAnswer>[0] {
  const blocks = (content: { text: string }[]) => content.map((b) => ({ type: 'text', text: b.text }));
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    system: blocks(request.system),
    messages: request.turns.map((t) => ({ role: t.role, content: blocks(t.content) })),
  };
}

function chars(request: LlmRequest): number {
  const all = [...request.system, ...request.turns.flatMap((t) => t.content)];
  return all.reduce((n, b) => n + b.text.length, 0);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** The scripted client. Script calls per step with `on`; read what happened in `calls`. */
export class ScriptedLlm implements LlmClient {
  readonly provider = 'scripted model';
  readonly calls: RecordedCall[] = [];
  private readonly scripts = new Map<number | null, ScriptedCall[]>();
  private readonly waiters: { step: number | null; resolve: (call: RecordedCall) => void }[] = [];
  private clock = 0;

  /** Queues behaviours for the next calls of `step`; once used up, calls get the default answer. */
  on(step: number, ...calls: ScriptedCall[]): this {
    this.scripts.set(step, [...(this.scripts.get(step) ?? []), ...calls]);
    return this;
  }

  /** Resolves when a call for `step` has started (at once if one already has). */
  started(step: number): Promise<RecordedCall> {
    const seen = this.calls.find((c) => c.step === step);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ step, resolve }));
  }

  /** The calls made for `step`. */
  callsFor(step: number): RecordedCall[] {
    return this.calls.filter((c) => c.step === step);
  }

  /** Forgets the recorded calls (scripts stay). */
  reset(): void {
    this.calls.length = 0;
  }

  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmChunk> {
    const generated = generateAnswer(asMessagesBody(request));
    const record: RecordedCall = {
      step: generated.step,
      repair: generated.repair,
      request,
      text: '',
      outcome: 'open',
      startedAt: ++this.clock,
    };
    this.calls.push(record);
    for (const w of this.waiters.filter((x) => x.step === record.step)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(record);
    }
    const script = this.scripts.get(record.step)?.shift() ?? {};
    return this.play(script, generated, request, record, signal);
  }

  private async *play(
    script: ScriptedCall,
    generated: { step: number | null; text: string },
    request: LlmRequest,
    record: RecordedCall,
    signal: AbortSignal,
  ): AsyncGenerator<LlmChunk> {
    const end = (outcome: RecordedCall['outcome']): void => {
      record.outcome = outcome;
      record.endedAt = ++this.clock;
    };
    try {
      let text = typeof script.text === 'function' ? script.text(generated.text) : (script.text ?? generated.text);
      if (script.malformed) text = malformedAnswer(text, generated.step);
      if (script.gate) await Promise.race([script.gate, aborted(signal)]);
      const limit = script.error || script.stall ? (script.afterChars ?? 0) : text.length;
      const size = script.chunkSize ?? 400;
      for (let at = 0; at < limit; at += size) {
        await delay(script.chunkDelayMs ?? 0, signal);
        if (signal.aborted) break;
        const chunk = text.slice(at, Math.min(at + size, limit));
        record.text += chunk;
        yield { type: 'text', text: chunk };
      }
      if (script.stall && !signal.aborted) await aborted(signal);
      if (signal.aborted) {
        end('aborted');
        throw new LlmError('cancelled', { provider: this.provider });
      }
      if (script.error) {
        end('error');
        throw script.error;
      }
      const usage = script.usage ?? { input: Math.ceil(chars(request) / 4), output: Math.ceil(text.length / 4) };
      end('done');
      yield { type: 'done', stopReason: script.stopReason ?? 'end', usage, model: request.model };
    } finally {
      if (record.outcome === 'open') end('aborted');
    }
  }
}
