/** The answer to send, fixed before the first byte, and the Messages API `message` object both writers build from it. */
import type { FaultRule } from './faults';
import type { RecordedUsage } from './requestLog';

/** Everything a writer needs: ids, the (possibly cut) text, the stop reason, usage, and the fault to act out. */
export interface AnswerPlan {
  requestId: string;
  messageId: string;
  model: string;
  output: string;
  stopReason: string;
  usage: RecordedUsage;
  fault: FaultRule | undefined;
}

/** The `message` object: empty with no stop reason at `message_start` (`text` null), else the whole answer. */
export function messageObject(p: AnswerPlan, text: string | null, outputTokens: number): Record<string, unknown> {
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
