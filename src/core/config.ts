/** Defaults shared by the extension and the CLI. */

/** The newest Claude Opus model id the SDK (1.12) knows; every agent uses it unless configured. */
export const DEFAULT_MODEL = 'claude-opus-5-5';
export const DEFAULT_MAX_TOKENS = 16000;
export const DEFAULT_CONCURRENCY = 2;
/** Calls of a step written in parts that run at once (docs/adr/0014, docs/adr/0017). */
export const DEFAULT_PART_CONCURRENCY = 4;
export const DEFAULT_OUTPUT_FOLDER = 'docs/architecture';
/** A PRD larger than this does not fit the model's context with the upstream documents. */
export const MAX_PRD_BYTES = 400 * 1024;
/**
 * An answer longer than this is stopped: real step documents are 15-35 kB, and an answer sent
 * with every later request must not crowd out the PRD. The output limit (max tokens) usually
 * stops an answer long before this.
 */
export const MAX_ANSWER_CHARS = 256 * 1024;
/** Rounds of the resolve loop, unless the host's setting says otherwise. */
export const DEFAULT_RESOLVE_ROUNDS = 2;
