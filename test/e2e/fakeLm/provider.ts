/**
 * The fake models' provider: each chat request becomes a Messages API request to the fake
 * Anthropic server (through the real SDK, streamed), and its text deltas are reported to VS Code
 * as they arrive. The system role (a proposed API) is sent as the system prompt.
 */
import Anthropic from '@anthropic-ai/sdk';
import * as vscode from 'vscode';
import { estimateTokens } from '../../fake-anthropic/promptCache';
import type { ChatModelInfo, ChatModelProvider, ChatRequestMessage } from './lmApi';
import { FAKE_LM_URL_ENV, FAKE_MODELS } from './models';

/** LanguageModelChatMessageRole.System in VS Code's proposed API; absent from the stable enum. */
const SYSTEM_ROLE = 3;

export class FakeModelProvider implements ChatModelProvider {
  private readonly client: Anthropic | undefined;

  constructor(baseURL: string | undefined) {
    this.client = baseURL ? new Anthropic({ apiKey: 'fake-lm-key', baseURL, maxRetries: 0 }) : undefined;
  }

  provideLanguageModelChatInformation(): ChatModelInfo[] {
    return FAKE_MODELS.map((m) => ({
      ...m,
      version: 'fake-1',
      tooltip: 'Answers from the fake Anthropic server of the Archflow tests',
      detail: 'tests',
      // Listed in the Chat view's model picker: a chat request (so @architect) needs a chosen model,
      // and the picker of 1.139's only mode (Agent) lists models with tool calling only, as the
      // Claude models of Copilot have it. The fake answers with text; tools offered are ignored.
      isUserSelectable: true,
      capabilities: { imageInput: false, toolCalling: true },
    }));
  }

  async provideLanguageModelChatResponse(
    model: ChatModelInfo,
    messages: readonly ChatRequestMessage[],
    _options: unknown,
    progress: vscode.Progress<vscode.LanguageModelTextPart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    if (!this.client)
      throw new Error(`fake language model: ${FAKE_LM_URL_ENV} is not set in code-server's environment`);
    const system = messages.filter((m) => m.role === SYSTEM_ROLE).map(textOf);
    const turns = messages
      .filter((m) => m.role !== SYSTEM_ROLE)
      .map((m) => ({
        role: m.role === vscode.LanguageModelChatMessageRole.Assistant ? ('assistant' as const) : ('user' as const),
        content: textOf(m),
      }));
    const stream = this.client.messages.stream({
      model: model.id,
      max_tokens: model.maxOutputTokens,
      ...(system.length > 0 ? { system: system.join('\n\n') } : {}),
      messages: turns,
    });
    const cancel = token.onCancellationRequested(() => stream.abort());
    try {
      stream.on('text', (delta) => progress.report(new vscode.LanguageModelTextPart(delta)));
      // Throws when the stream fails or ends before message_stop: the caller sees the error.
      await stream.finalMessage();
    } finally {
      cancel.dispose();
    }
  }

  provideTokenCount(_model: ChatModelInfo, text: string | ChatRequestMessage): Promise<number> {
    return Promise.resolve(estimateTokens(typeof text === 'string' ? text : textOf(text)));
  }
}

/** The text of a message; the fake models take text only, and say so for anything else. */
function textOf(message: ChatRequestMessage): string {
  return message.content
    .map((part) => {
      if (part instanceof vscode.LanguageModelTextPart) return part.value;
      const name = (part as object | undefined)?.constructor?.name ?? typeof part;
      throw new Error(`fake language model: only text parts are supported, got ${name}`);
    })
    .join('');
}
