/** Reading and checking a PRD before any model call. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MAX_PRD_BYTES } from './config';

/** A PRD that cannot be used; the message says why and what to do. */
export class PrdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrdError';
  }
}

/** Checks PRD bytes: not empty, text (UTF-8, no NUL), not larger than the model can take. */
export function checkPrd(bytes: Uint8Array, name: string): string {
  if (bytes.length > MAX_PRD_BYTES) {
    throw new PrdError(
      `${name} is ${Math.round(bytes.length / 1024)} KB; Archflow accepts PRDs up to ${MAX_PRD_BYTES / 1024} KB so that the PRD and the design documents fit the model's context. Split it or remove appendices, then run again.`,
    );
  }
  if (bytes.includes(0)) {
    throw new PrdError(`${name} looks like a binary file, not a text PRD. Open the Markdown PRD and run again.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PrdError(`${name} is not valid UTF-8 text. Save it as UTF-8 Markdown and run again.`);
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim().length === 0) {
    throw new PrdError(
      `${name} is empty. Write the product requirements first (goals, features, constraints), then run again.`,
    );
  }
  if (text.trim().length < 40) {
    throw new PrdError(
      `${name} has almost no content (${text.trim().length} characters). A PRD needs at least a goal and a few requirements.`,
    );
  }
  return text;
}

/** Reads a PRD file and checks it (see checkPrd). */
export async function readPrd(file: string): Promise<{ text: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PrdError(
      code === 'ENOENT' ? `PRD not found: ${file}` : `Cannot read the PRD ${file}: ${(err as Error).message}`,
    );
  }
  return { text: checkPrd(bytes, path.basename(file)) };
}
