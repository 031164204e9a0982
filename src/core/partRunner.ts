/**
 * The calls of a step in parts run together (docs/adr/0014, docs/adr/0017): at most `concurrency`
 * at once; a cancel, or one part that cannot be produced, stops them all, and the first real failure
 * is the step's.
 */
import type { AgentStepDeps } from './agentStep';
import { LlmError } from './llm/types';
import { runDag } from './scheduler';

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
