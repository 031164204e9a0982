/**
 * Archflow's tools in VS Code's agent mode: each tool of src/core/tools registered with
 * `vscode.lm.registerTool` (contributed in package.json's `languageModelTools`). The tool that
 * writes asks first (`prepareInvocation`); errors reach the model as sentences it can act on.
 */
import * as vscode from 'vscode';
import { ARCHFLOW_TOOLS } from '../../core/tools/index';
import { redactSecret } from '../../core/tools/text';
import type { ArchflowTool } from '../../core/tools/types';
import type { ToolHost } from './host';

/** One Archflow tool as a VS Code language model tool. */
class LanguageModelToolAdapter implements vscode.LanguageModelTool<unknown> {
  constructor(
    private readonly tool: ArchflowTool<unknown>,
    private readonly host: ToolHost,
  ) {}

  async prepareInvocation(
    options: vscode.LanguageModelToolInvocationPrepareOptions<unknown>,
  ): Promise<vscode.PreparedToolInvocation> {
    let input: unknown;
    try {
      input = this.tool.parse(options.input);
    } catch {
      // invoke() says what is wrong with the input; there is nothing to confirm.
      return { invocationMessage: `Archflow: ${this.tool.title}` };
    }
    const invocationMessage = this.tool.progressMessage(input);
    if (!this.tool.confirmation) return { invocationMessage };
    const { title, message } = this.tool.confirmation(input, await this.host.where(promptPrd(input)));
    // The PRD path comes from the model: shown as text, never as Markdown.
    return {
      invocationMessage,
      confirmationMessages: { title, message: new vscode.MarkdownString().appendText(message) },
    };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<unknown>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    // A bad input throws its own sentence (VS Code hands it to the model).
    const input = this.tool.parse(options.input);
    const controller = new AbortController();
    const onCancel = token.onCancellationRequested(() => controller.abort());
    try {
      const result = redactSecret(
        await this.tool.handle(input, this.host.context(controller.signal)),
        await this.host.secret(),
      );
      if (result.isError) throw new Error(result.text);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(result.text)]);
    } finally {
      onCancel.dispose();
    }
  }
}

/** The run tool's `prd`, when the input names one. */
function promptPrd(input: unknown): string | undefined {
  const prd = (input as { prd?: unknown } | undefined)?.prd;
  return typeof prd === 'string' ? prd : undefined;
}

/**
 * Every Archflow tool as a VS Code language model tool, by name. The entry (extension.ts) registers
 * the contributed names with `vscode.lm.registerTool` and hands each call to these.
 */
export function toolAdapters(host: ToolHost): Map<string, vscode.LanguageModelTool<unknown>> {
  return new Map(ARCHFLOW_TOOLS.map((tool) => [tool.name, new LanguageModelToolAdapter(tool, host)]));
}
