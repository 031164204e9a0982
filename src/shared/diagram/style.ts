/** The diagrams' text styles, apart from the layout engine so the page can read them without loading ELK. */
import type { TextStyle } from './text';

/** Text styles of the diagram (px). The smallest is 13 px, so text stays at 11 px or more down to 85 % zoom. */
export const STYLE = {
  title: { size: 18, bold: true },
  name: { size: 14, bold: true },
  meta: { size: 13 },
  description: { size: 13 },
  label: { size: 13 },
  technology: { size: 13 },
  boundaryName: { size: 14, bold: true },
  boundaryMeta: { size: 13 },
} as const satisfies Record<string, TextStyle>;

/** The smallest font size of a diagram (px). */
export const SMALLEST_TEXT = Math.min(...Object.values(STYLE).map((s) => s.size));

/** Line height as a multiple of the font size. */
export const LINE = 1.2;

/** The zoom at which the smallest text is drawn at 11 px: below it a view is not legible whole. */
export const LEGIBLE_SCALE = 11 / SMALLEST_TEXT;
