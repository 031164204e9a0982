/** Ids the fake model makes from names: camelCase element ids, unique within a model, and URL slugs. */
import { asciiWords } from './text';

const ID_STOPWORDS = new Set(['the', 'of', 'and', 'a', 'an', 'for', 'to', 'with', 'in', 'on', 'by', 'or']);

/** A camelCase id from a name (letters and digits, starting with a letter), or `fallback`. */
export function camelId(name: string, fallback: string, maxWords = 4): string {
  let words = asciiWords(name).map((w) => w.toLowerCase());
  const meaningful = words.filter((w) => !ID_STOPWORDS.has(w));
  if (meaningful.length > 0) words = meaningful;
  words = words.slice(0, maxWords);
  if (words.length === 0) return fallback;
  let id = words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
  if (!/^[a-z]/.test(id)) id = fallback + id[0].toUpperCase() + id.slice(1);
  return id;
}

/** Hands out unique ids: a taken base gets a numeric suffix (base2, base3, ...). */
export class IdRegistry {
  private readonly used = new Set<string>();

  constructor(existing: Iterable<string> = []) {
    for (const id of existing) this.used.add(id);
  }

  has(id: string): boolean {
    return this.used.has(id);
  }

  /** Reserves `base` or the first free `base<n>`. */
  take(base: string): string {
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}${n}`;
    this.used.add(id);
    return id;
  }
}

/** Lowercase hyphenated ASCII slug, or `fallback`. */
export function slugOf(name: string, fallback: string): string {
  const s = asciiWords(name).join('-').toLowerCase().slice(0, 40).replace(/-+$/, '');
  return s || fallback;
}
