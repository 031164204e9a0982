/** Reading a request off the socket: its body (capped in size, as the API caps it) and its API key header. */
import type * as http from 'node:http';

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The body as text; `tooLarge` when it passed the cap (the rest is read and dropped). */
export function readBody(req: http.IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', reject);
  });
}

/** The key from `x-api-key`, else from `Authorization: Bearer …`. */
export function apiKeyOf(req: http.IncomingMessage): string | undefined {
  const x = req.headers['x-api-key'];
  const key = Array.isArray(x) ? x[0] : x;
  if (key) return key;
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m ? m[1] : undefined;
}
