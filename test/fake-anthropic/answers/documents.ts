/** Reading the documents a request carries: a step's document by file name or step, a structured block's JSON. */
import { parseBlockJson } from '../../../src/core/c4/jsonBlock';
import { fencedBlocks } from '../../../src/core/markdown';
import { stepById } from '../../../src/core/steps';
import type { RequestDocument } from '../request';

/** The body of the first fenced block whose info string names `name` (as the core finds blocks), or undefined. */
export function blockBody(text: string, name: string): string | undefined {
  return fencedBlocks(text).find((b) => b.info.split(/\s+/).includes(name))?.body;
}

/** The JSON of that block, parsed as the core parses it; undefined when absent or broken. */
export function parseBlock(text: string, name: string): unknown {
  const body = blockBody(text, name);
  return body === undefined ? undefined : parseBlockJson(body, name).value;
}

/**
 * Step `step`'s document among the request's documents: by file name, else by step number. A
 * document sent as its digest and, for a step that builds on it, its rest after the digest
 * (docs/adr/0019) is read as the two joined: every line of it, once.
 */
export function upstream(docs: RequestDocument[], step: number): RequestDocument | undefined {
  const file = stepById(step).document;
  const byName = docs.filter((d) => d.name === file || d.name.endsWith(`/${file}`));
  const mine = byName.length ? byName : docs.filter((d) => d.step === step);
  if (mine.length <= 1) return mine[0];
  return { ...mine[0], part: undefined, text: mine.map((d) => d.text).join('\n\n') };
}
