/** Reading the documents a request carries: a step's document by file name or step, a structured block's JSON. */
import { stepById } from '../../../src/core/steps';
import type { RequestDocument } from '../request';
import { escapeRegExp } from './malformed';

/** Finds a fenced structured block by name and parses its JSON. */
export function parseBlock(text: string, name: string): unknown {
  const re = new RegExp('^(`{3,})\\s*' + escapeRegExp(name) + '\\s*\\n([\\s\\S]*?)\\n\\1\\s*$', 'm');
  const m = re.exec(text);
  if (!m) return undefined;
  try {
    return JSON.parse(m[2]);
  } catch {
    return undefined;
  }
}

/** Step `step`'s document among the request's documents: by file name, else by step number. */
export function upstream(docs: RequestDocument[], step: number): RequestDocument | undefined {
  const file = stepById(step).document;
  return docs.find((d) => d.name === file || d.name.endsWith(`/${file}`)) ?? docs.find((d) => d.step === step);
}
