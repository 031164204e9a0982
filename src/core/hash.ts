/** Content hashes used for staleness, edit detection and approvals. */
import { createHash } from 'node:crypto';

/** sha256 of UTF-8 text, hex, prefixed so a reader knows the algorithm. */
export function hashText(text: string | Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(text).digest('hex');
}
