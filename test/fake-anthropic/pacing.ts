/**
 * How an answer goes out: cut into deltas, cut at a limit (never inside a surrogate pair, so emoji
 * survive), and paced by waits that end early when the client goes away.
 */

/** Splits text into deltas of about `size` characters without breaking surrogate pairs. */
export function chunksOf(text: string, size: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + size);
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end])) end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

/** The first `n` characters of `text`, one less when the cut would split a surrogate pair. */
export function cutAt(text: string, n: number): string {
  let end = Math.max(0, Math.min(text.length, n));
  if (end > 0 && end < text.length && /[\uDC00-\uDFFF]/.test(text[end])) end--;
  return text.slice(0, end);
}

/** Resolves after `ms` (never when not finite) or as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : undefined;
    signal.addEventListener('abort', done, { once: true });
  });
}
