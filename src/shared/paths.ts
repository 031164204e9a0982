/**
 * Relative paths inside the output folder, as the webview and the host both handle them. Pure string
 * code (no Node, no DOM) so the webview bundle and the host share one definition; the host still
 * re-checks with the core's `checkRelativePath` and resolves symlinks before it opens anything.
 */

/** The longest relative path the panel will ask for (the store refuses longer ones too). */
export const MAX_RELATIVE_PATH = 240;

/** File types the panel may ask the host to open: the documents, diagrams and state Archflow writes. */
const OPENABLE = /\.(md|mmd|json)$/i;

/**
 * Whether `rel` is a plain relative path inside the output folder: forward slashes, no absolute or
 * drive path, no empty, "." or ".." segment, no control characters, and a file type Archflow writes.
 */
export function isSafeRelativePath(rel: unknown): rel is string {
  if (typeof rel !== 'string' || rel.length === 0 || rel.length > MAX_RELATIVE_PATH) return false;
  // Control characters (NUL included) and backslashes have no place in the paths Archflow writes.
  if (/[\u0000-\u001f\u007f\\]/.test(rel)) return false;
  if (rel.startsWith('/') || /^[a-zA-Z]:/.test(rel) || rel.includes(':')) return false;
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return false;
  return OPENABLE.test(rel);
}

/**
 * Resolves a Markdown link target written in document `fromFile` to a path relative to the output
 * folder; undefined for anything that is not a plain relative link to a file inside it (schemes,
 * protocol-relative and absolute links, links that climb out, fragments only).
 */
export function resolveDocumentLink(fromFile: string, href: string): string | undefined {
  const trimmed = href.trim();
  if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('/') || trimmed.startsWith('\\'))
    return undefined;
  // Any scheme (http:, javascript:, data:, file:, command:, vscode:…) is not a relative link.
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(trimmed)) return undefined;
  const withoutSuffix = trimmed.replace(/[?#].*$/, '');
  let decoded: string;
  try {
    decoded = decodeURIComponent(withoutSuffix);
  } catch {
    return undefined;
  }
  const baseParts = fromFile.split('/').slice(0, -1);
  const out = [...baseParts];
  for (const part of decoded.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
      continue;
    }
    out.push(part);
  }
  const resolved = out.join('/');
  return isSafeRelativePath(resolved) ? resolved : undefined;
}
