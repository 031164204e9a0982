/**
 * The one place secrets are scrubbed: every text Archflow stores, logs, prints or shows passes
 * through `redactSecrets` (the log, archflow.json, error messages, tool and MCP results). It
 * removes the keys a host registered (the API key in use) and anything that looks like an API
 * key or an authorization header, whoever put it there (an endpoint that echoes the key).
 */

/** What a removed secret is replaced with. */
export const REDACTED = '[redacted]';

const known = new Set<string>();

/** Registers a secret (the API key a run uses) so every later text is scrubbed of it. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.trim().length >= 8) known.add(secret.trim());
}

/** Looks like a key: Anthropic's `sk-ant-…`, or another provider's `sk-…` of key length. */
const KEY_LIKE = /\bsk-(?:ant-)?[A-Za-z0-9_-]{16,}/g;
/** A header or field that carries a key: `x-api-key: …`, `"api_key": "…"`, `apiKey=…`. */
const KEY_FIELD = /((?:x-api-key|api[_-]?key|apikey|access[_-]?token)["']?\s*[:=]\s*["']?)[^\s"',;}&]+/gi;
/** An authorization header's credentials: `Authorization: Bearer …`, `Bearer …` alone. */
const BEARER = /((?:authorization["']?\s*[:=]\s*["']?)?(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

/** `text` without any registered secret and without anything that looks like a key or credentials. */
export function redactSecrets(text: string, extra?: string): string {
  let s = String(text);
  const secrets = [...known];
  if (extra && extra.trim().length >= 8) secrets.push(extra.trim());
  for (const secret of secrets) if (s.includes(secret)) s = s.split(secret).join(REDACTED);
  return s
    .replace(KEY_LIKE, REDACTED)
    .replace(KEY_FIELD, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(BEARER, (_m, prefix: string) => `${prefix}${REDACTED}`);
}

/** A JSON-shaped value with every string in it redacted. */
export function redactValue<T>(value: T, extra?: string): T {
  if (typeof value === 'string') return redactSecrets(value, extra) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactValue(v, extra)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, extra)])) as T;
  }
  return value;
}
