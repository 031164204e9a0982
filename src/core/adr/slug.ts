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

/** The path of an ADR relative to the output folder: `adr/0001-use-a-modular-monolith.md`. */
export function adrFileName(number: number, title: string): string {
  if (!Number.isInteger(number) || number < 1) throw new Error(`Invalid ADR number ${number}`);
  return `${LAYOUT.adrDir}/${adrNumberText(number)}-${adrSlug(title)}.md`;
}

/** True when `file` is a path this module could have produced for `number` (guards paths read from state). */
export function isAdrFileName(file: string, number?: number): boolean {
  const m = new RegExp(`^${LAYOUT.adrDir}/(\\d{4,})-[a-z0-9]+(?:-[a-z0-9]+)*\\.md$`).exec(file);
  return m !== null && (number === undefined || Number(m[1]) === number);
}
