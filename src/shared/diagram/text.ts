/**
 * Text measurement and wrapping for the diagrams, from the font's width table (metrics.ts) rather
 * than a browser, so the same layout comes out of the webview, the Markdown preview and the CLI.
 */
import { BOLD_WIDTHS, FIRST_CODE_POINT, REGULAR_WIDTHS } from './metrics';

/** The font every diagram is drawn in; Verdana has close metrics where DejaVu Sans is missing. */
export const DIAGRAM_FONT = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif";

/** A text style: size in px and weight. */
export interface TextStyle {
  size: number;
  bold?: boolean;
}

/** East Asian wide characters and emoji take a full em in any fallback font. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    code >= 0x1f000
  );
}

/** The width of `text` in px. Characters outside the table count as 0.65 em (1 em when wide). */
export function textWidth(text: string, style: TextStyle): number {
  const table = style.bold ? BOLD_WIDTHS : REGULAR_WIDTHS;
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x20;
    const index = code - FIRST_CODE_POINT;
    if (index >= 0 && index < table.length) units += table[index];
    else units += isWide(code) ? 1000 : 650;
  }
  return (units / 1000) * style.size;
}

/** Cuts `word` into pieces no wider than `max` (a URL or an identifier longer than the box). */
function breakWord(word: string, max: number, style: TextStyle): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const ch of word) {
    if (current && textWidth(current + ch, style) > max) {
      pieces.push(current);
      current = ch;
    } else current += ch;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Ends `line` with an ellipsis, shortened until it fits `max`. */
function ellipsize(line: string, max: number, style: TextStyle): string {
  let s = line.trimEnd();
  while (s.length > 0 && textWidth(`${s}…`, style) > max) s = s.slice(0, -1).trimEnd();
  return `${s}…`;
}

/**
 * Wraps `text` into lines no wider than `max` px, greedily by words (CJK text, which has no spaces,
 * breaks between characters). At most `maxLines` lines: the last one ends with "…" when text is left.
 */
export function wrapText(text: string, max: number, style: TextStyle, maxLines = Infinity): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  let cut = false;
  const push = (line: string): boolean => {
    if (lines.length >= maxLines) {
      cut = true;
      return false;
    }
    lines.push(line);
    return true;
  };
  outer: for (const word of words) {
    const pieces = textWidth(word, style) > max ? breakWord(word, max, style) : [word];
    for (const piece of pieces) {
      const candidate = current ? `${current} ${piece}` : piece;
      if (textWidth(candidate, style) <= max) {
        current = candidate;
        continue;
      }
      if (current && !push(current)) break outer;
      current = piece;
    }
  }
  if (current && !cut) push(current);
  if (cut && lines.length > 0) lines[lines.length - 1] = ellipsize(lines[lines.length - 1], max, style);
  return lines;
}
