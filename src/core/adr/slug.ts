/** ADR file names: `adr/NNNN-<slug>.md` with a slug that is safe on every file system and in URLs (SPEC §3, §8). */
import { LAYOUT } from '../steps';

/** The slug when a title has no ASCII letters or digits (e.g. a Korean title). */
export const FALLBACK_SLUG = 'decision';

/** Longest slug; longer ones are cut at a hyphen. */
export const MAX_SLUG_LENGTH = 60;

/** Letters NFKD does not decompose into ASCII, spelled the usual way. */
const FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Device names Windows reserves whatever the extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

/** A title as a slug: lowercase ASCII letters, digits and single hyphens, at most ~60 characters. */
export function adrSlug(title: string): string {
  let s = String(title ?? '')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\u0000-\u007f]/g, (ch) => FOLDS[ch] ?? '-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s.length > MAX_SLUG_LENGTH) {
    const cut = s.lastIndexOf('-', MAX_SLUG_LENGTH);
    // Cut at a word boundary unless that would leave a stub; then cut mid-word.
    s = (cut >= MAX_SLUG_LENGTH / 2 ? s.slice(0, cut) : s.slice(0, MAX_SLUG_LENGTH)).replace(/-+$/, '');
  }
  if (s === '') return FALLBACK_SLUG;
  if (WINDOWS_RESERVED.test(s)) return `${s}-${FALLBACK_SLUG}`;
  return s;
}

/** The number as the four-digit prefix of ADR files and titles (`0007`). */
export function adrNumberText(number: number): string {
  return String(number).padStart(4, '0');
}

/** A letter of a script other than Latin (Hangul, Cyrillic, Han, …): slugging would drop it. */
const NON_LATIN_LETTER = /(?=\p{L})\P{Script=Latin}/u;

/**
 * Whether a title keeps its meaning as a slug: it is written in Latin script (accents fold to
 * ASCII) and at least two words are left after slugging.
 */
export function titleKeepsMeaning(title: string): boolean {
  if (NON_LATIN_LETTER.test(String(title ?? ''))) return false;
  const slug = adrSlug(title);
  return slug !== FALLBACK_SLUG && slug.split('-').length >= 2;
}

/**
 * The slug of an ADR's file: from its title, or from its English key when the title would lose its
 * meaning (a Korean title gave `0002-api-db.md`; its key says `primary-data-store`).
 */
export function adrFileSlug(title: string, key?: string): string {
  const fromKey = key ? adrSlug(key) : FALLBACK_SLUG;
  return fromKey !== FALLBACK_SLUG && !titleKeepsMeaning(title) ? fromKey : adrSlug(title);
}

/** The path of an ADR relative to the output folder: `adr/0001-use-a-modular-monolith.md`. */
export function adrFileName(number: number, title: string, key?: string): string {
  if (!Number.isInteger(number) || number < 1) throw new Error(`Invalid ADR number ${number}`);
  return `${LAYOUT.adrDir}/${adrNumberText(number)}-${adrFileSlug(title, key)}.md`;
}

/** True when `file` is a path this module could have produced for `number` (guards paths read from state). */
export function isAdrFileName(file: string, number?: number): boolean {
  const m = new RegExp(`^${LAYOUT.adrDir}/(\\d{4,})-[a-z0-9]+(?:-[a-z0-9]+)*\\.md$`).exec(file);
  return m !== null && (number === undefined || Number(m[1]) === number);
}
