/**
 * What the one live output document shows: every step's streamed answer this window has seen, which
 * of them the document follows, and the document's text (structured blocks summarised, see
 * core/liveText.ts). Pure (no `vscode`), so its rules are unit tests; LiveOutput puts it on screen.
 */
import type { EngineEvent } from '../core/events';
import { liveDocumentText } from '../core/liveText';
import { type StepId, stepTitle } from '../core/steps';
import { vscodeErrorText } from './messages';

type StreamState = 'streaming' | 'done' | 'failed' | 'cancelled';

/** A part of a step's stream: model text (summarised when shown) or a note of ours (a retry, a repair). */
interface Segment {
  model: boolean;
  text: string;
}

interface StepStream {
  segments: Segment[];
  state: StreamState;
  /** A step written in parts: how far they are ("5/14 ADRs"); only its summary streams here. */
  progress?: string;
}

const STATE_TEXT: Record<StreamState, string> = {
  streaming: 'streaming',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** A duration as the notes say it ("2 s", "1 min 5 s"). */
function seconds(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

export class LiveStreams {
  private readonly streams = new Map<StepId, StepStream>();
  private followed?: StepId;

  /** The step the document shows. */
  get following(): StepId | undefined {
    return this.followed;
  }

  /** Whether the step streamed in this window. */
  has(step: StepId): boolean {
    return this.streams.has(step);
  }

  /** Follows `step` from now on (the user opened its live output). */
  follow(step: StepId): void {
    this.followed = step;
  }

  /**
   * Applies an engine event; `running` are the run's steps still running after it (in the order
   * they started), for the document to move on to when the followed step ends. Returns whether the
   * document's text changed.
   */
  apply(event: EngineEvent, cancelled: boolean, running: readonly StepId[]): boolean {
    switch (event.type) {
      case 'step-started': {
        // Later attempts are announced by step-retry and stream into the same document.
        if (event.attempt <= 1 || !this.streams.has(event.step)) {
          this.streams.set(event.step, { segments: [{ model: true, text: '' }], state: 'streaming' });
        }
        // A step that starts takes the document only when the followed one is not streaming.
        const current = this.followed !== undefined ? this.streams.get(this.followed) : undefined;
        if (!current || current.state !== 'streaming') this.followed = event.step;
        return this.followed === event.step;
      }
      case 'step-text':
        this.model(event.step).text += event.text;
        return this.followed === event.step;
      case 'step-progress': {
        const stream = this.streams.get(event.step);
        if (!stream) return false;
        stream.progress = event.text;
        return this.followed === event.step;
      }
      case 'step-retry':
        this.note(
          event.step,
          `\n\n> ${oneLine(event.reason)}\n> Retrying in ${seconds(event.delayMs)}.\n\n---\n\n*Attempt ${event.attempt}:*\n\n`,
        );
        return this.followed === event.step;
      case 'step-repair':
        this.note(
          event.step,
          `\n\n---\n\n*Repair round: the output had these problems:*\n\n${event.errors.map((e) => `> - ${oneLine(e)}`).join('\n')}\n\n`,
        );
        return this.followed === event.step;
      case 'step-done':
      case 'step-failed': {
        const stream = this.streams.get(event.step);
        if (!stream) return false;
        if (event.type === 'step-done') stream.state = 'done';
        else {
          stream.state = cancelled ? 'cancelled' : 'failed';
          this.note(
            event.step,
            cancelled ? '\n\n---\n\n*Cancelled.*\n' : `\n\n---\n\n*Failed: ${oneLine(vscodeErrorText(event.error))}*\n`,
          );
        }
        if (this.followed === event.step) {
          // The document moves on to a step still streaming, so it keeps showing the run.
          const next = running.find((s) => s !== event.step && this.streams.get(s)?.state === 'streaming');
          if (next !== undefined) this.followed = next;
        }
        return true;
      }
      case 'run-started':
      case 'file-written':
      case 'file-kept':
      case 'run-finished':
        return false;
    }
  }

  /** The document's text. */
  text(): string {
    const step = this.followed;
    const stream = step !== undefined ? this.streams.get(step) : undefined;
    if (step === undefined || !stream) {
      return '> **Archflow live output**\n>\n> Nothing has streamed in this window yet. Run a step: its agent’s answer shows here as it arrives.\n';
    }
    const others = [...this.streams.entries()]
      .filter(([id, s]) => id !== step && s.state === 'streaming')
      .map(([id]) => stepTitle(id));
    const header = [
      `> **Archflow live output** · ${stepTitle(step)} · ${STATE_TEXT[stream.state]}${stream.progress && stream.state === 'streaming' ? ` · ${stream.progress}` : ''}`,
      ...(stream.progress && stream.state === 'streaming'
        ? ['> Written in parts: the summary streams here; the ADRs are written beside it.']
        : []),
      ...(others.length
        ? [`> Also running: ${others.join(', ')}. Open Output on a running step in the Workflow view follows it here.`]
        : []),
      '',
      '',
    ];
    const finished = stream.state !== 'streaming';
    const body = stream.segments
      .map((seg, i) => {
        if (!seg.model) return seg.text;
        // A segment that ended (a retry followed, or the step finished) has its last line complete.
        const ended = finished || i < stream.segments.length - 1;
        return liveDocumentText(ended ? `${seg.text}\n` : seg.text);
      })
      .join('');
    return header.join('\n') + body;
  }

  private model(step: StepId): Segment {
    const stream = this.streams.get(step) ?? { segments: [], state: 'streaming' as const };
    this.streams.set(step, stream);
    let last = stream.segments.at(-1);
    if (!last?.model) {
      last = { model: true, text: '' };
      stream.segments.push(last);
    }
    return last;
  }

  private note(step: StepId, text: string): void {
    const stream = this.streams.get(step);
    if (!stream) return;
    stream.segments.push({ model: false, text });
  }
}
