/**
 * The calls of a step in parts run together (docs/adr/0014, docs/adr/0017): at most `concurrency`
 * at once; a cancel, or one part that cannot be produced, stops them all, and the first real failure
 * is the step's.
 */
import type { AgentStepDeps } from './agentStep';
import { LlmError } from './llm/types';
import { type PromptSource, fillPlaceholders } from './prompts';
import { promptValues } from './promptValues';
import { runDag } from './scheduler';
import type { StepInputs } from './stepInputs';
import type { StepDef } from './steps';

/**
 * The instruction of each part of a step: its prompt file filled with the step's values (and the
 * part's own), headed by the part's name.
 */
export function partInstructions<P>(
  def: StepDef,
  prdName: string,
  inputs: StepInputs,
  prompts: PromptSource,
  file: (part: P) => string,
  heading: (part: P) => string,
): (part: P, extra?: Record<string, string>) => Promise<string> {
  const values = promptValues(def, prdName, inputs.existingDecisions ?? []);
  return async (part, extra = {}) => {
    const p = await prompts.read(file(part));
    const text = fillPlaceholders(p.text, { ...values, ...extra }, p.origin).trim();
    // The heading is the part's name for the logs and the server: it is always there, whatever an override says.
    const name = heading(part);
    return text.startsWith(name) ? text : `${name}\n\n${text}`;
  };
}

/**
 * Runs `tasks` (each given the deps whose signal stops them together). Throws a `cancelled`
 * LlmError when the run was cancelled, else the first part's failure.
 */
export async function runPartsTogether(
  tasks: ReadonlyMap<string, (deps: AgentStepDeps) => Promise<void>>,
  concurrency: number,
  deps: AgentStepDeps,
): Promise<void> {
  const inner = new AbortController();
  const stop = (): void => inner.abort();
  deps.signal.addEventListener('abort', stop, { once: true });
  const partDeps: AgentStepDeps = { ...deps, signal: inner.signal };
  let failure: unknown;
  try {
    await runDag(
      [...tasks.keys()].map((id) => ({ id, needs: [] })),
      Math.max(1, concurrency),
      async (id) => {
        try {
          await tasks.get(id)!(partDeps);
        } catch (err) {
          // The first real failure is the step's; the parts it stopped report only a cancel.
          if (failure === undefined && !inner.signal.aborted) failure = err;
          inner.abort();
          throw err;
        }
      },
      inner.signal,
    );
  } finally {
    deps.signal.removeEventListener('abort', stop);
  }
  if (deps.signal.aborted) throw new LlmError('cancelled', { provider: deps.llm.provider });
  if (failure !== undefined) throw failure;
}
