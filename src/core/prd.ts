/** Reading and checking a PRD before any model call. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MAX_PRD_BYTES } from './config';
import { fsProblem } from './fsError';

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
  // A byte order mark says the encoding: UTF-16 text has NUL bytes and is still text.
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : undefined;
  if (!utf16 && bytes.includes(0)) {
    throw new PrdError(
      `${name} is a binary file (it contains NUL bytes), not a text PRD. Choose the Markdown PRD and run again.`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder(utf16 ?? 'utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PrdError(
      `${name} is not valid ${utf16 ? 'UTF-16' : 'UTF-8'} text. Save it as UTF-8 Markdown and run again.`,
    );
  }
  if (text.includes('\0')) {
    throw new PrdError(`${name} is a binary file, not a text PRD. Choose the Markdown PRD and run again.`);
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
      code === 'ENOENT'
        ? `PRD not found: ${file}. Check the path, then run again.`
        : `The PRD cannot be used. ${fsProblem(err, file, 'read').message}`,
    );
  }
  return { text: checkPrd(bytes, path.basename(file)) };
}
