/**
 * What the fake language model extension offers and where it takes its answers from. No `vscode`
 * import: the tests that start code-server read it too.
 */

/** The `vendor` of the fake models (contributes.languageModelChatProviders). */
export const FAKE_LM_VENDOR = 'archflow-fake';

/** Environment variable naming the fake Anthropic server's URL; without it the models answer with an error. */
export const FAKE_LM_URL_ENV = 'ARCHFLOW_FAKE_LM_URL';

/** A fake model: Claude-like names, so a "prefer Claude" choice picks them. */
export interface FakeModel {
  id: string;
  name: string;
  family: string;
  maxInputTokens: number;
  maxOutputTokens: number;
}

/**
 * Two models: a large one, and a small one whose context window the workflow's later steps do not
 * fit, for tests of the context budget rule.
 */
export const FAKE_MODELS: readonly FakeModel[] = [
  {
    id: 'claude-sonnet-fake',
    name: 'Claude Sonnet (fake)',
    family: 'claude-sonnet-4.5',
    maxInputTokens: 200_000,
    maxOutputTokens: 16_000,
  },
  {
    id: 'claude-haiku-fake-small',
    name: 'Claude Haiku (fake, small context)',
    family: 'claude-haiku-4.5',
    maxInputTokens: 8_000,
    maxOutputTokens: 4_000,
  },
];
