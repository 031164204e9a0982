/** Reading the documents a request carries: a step's document by file name or step, a structured block's JSON. */
import { parseBlockJson } from '../../../src/core/c4/jsonBlock';
import { fencedBlocks } from '../../../src/core/markdown';
import { stepById } from '../../../src/core/steps';
import type { RequestDocument } from '../request';

/** The JSON of the first fenced block whose info string names `name`, found and parsed as the core does; undefined when absent or broken. */
export function parseBlock(text: string, name: string): unknown {
  const block = fencedBlocks(text).find((b) => b.info.split(/\s+/).includes(name));
  return block ? parseBlockJson(block.body, name).value : undefined;
}

/** Step `step`'s document among the request's documents: by file name, else by step number. */
export function upstream(docs: RequestDocument[], step: number): RequestDocument | undefined {
  const file = stepById(step).document;
  return docs.find((d) => d.name === file || d.name.endsWith(`/${file}`)) ?? docs.find((d) => d.step === step);
}
