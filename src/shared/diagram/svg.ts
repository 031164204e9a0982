/**
 * A laid out C4 view as SVG text: our own C4 shapes (person, box, cylinder, pipe), dashed
 * boundaries, orthogonal relationships with arrowheads and their labels on a background, and
 * optionally a title and a legend. No DOM: the same string is shown in the webview and written by
 * the exports. Every model text is XML-escaped; ids become data attributes, never markup or URLs.
 */
import {
  type DiagramLayout,
  metaText,
  proposedText,
  MARGIN,
  type PlacedEdge,
  type PlacedElement,
  type TextLine,
  blockHeight,
  LABEL_INSET,
} from './layout';
import { type LegendItem, legendItems } from './legend';
import { LINE, STYLE } from './style';
import { LIGHT, type Palette, paletteCss } from './palette';
import { DIAGRAM_FONT, textWidth } from './text';

export interface SvgOptions {
  /** Draw the view's title above the diagram (exports). */
  title?: boolean;
  /** Draw the legend below the diagram (exports). */
  legend?: boolean;
  /** Embed this palette as a style sheet (a standalone file); without it the page's CSS colours the SVG. */
  palette?: Palette;
  /** Prefix for ids inside the SVG (several diagrams on one page need distinct marker ids). */
  idPrefix?: string;
}

const TITLE_HEIGHT = 40;

/** XML-escapes text and attribute values. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

const CLASS: Record<TextLine['style'], string> = {
  title: 'af-title',
  name: 'af-name',
  meta: 'af-meta',
  description: 'af-description',
  label: 'af-label',
  technology: 'af-technology',
  boundaryName: 'af-boundary-name',
  boundaryMeta: 'af-boundary-meta',
};

/** `<text>` lines starting at `top`, centred on `cx` (or left-aligned at `cx` when `left`). */
function textBlock(lines: readonly TextLine[], cx: number, top: number, left = false): string {
  let y = top;
  let previous: TextLine['style'] | undefined;
  const out: string[] = [];
  for (const l of lines) {
    if (previous !== undefined && previous !== l.style) y += 4;
    const style = STYLE[l.style];
    const weight = 'bold' in style && style.bold ? ' font-weight="bold"' : '';
    const italic = l.style === 'technology' || l.style === 'meta' ? ' font-style="italic"' : '';
    const anchor = left ? '' : ' text-anchor="middle"';
    out.push(
      `<text class="${CLASS[l.style]}" x="${n(cx)}" y="${n(y + style.size)}" font-size="${style.size}"${weight}${italic}${anchor}>${escapeXml(l.text)}</text>`,
    );
    y += Math.round(style.size * LINE);
    previous = l.style;
  }
  return out.join('');
}

/**
 * A boundary's label on one line: its name in bold, then its kind, on the same baseline; a long one
 * stacked, its name above its kind.
 */
function boundaryLabel(lines: readonly TextLine[], x: number, top: number, stacked: boolean): string {
  if (stacked) return textBlock(lines, x, top, true).replace(/ font-style="italic"/g, '');
  const baseline = top + STYLE.boundaryName.size;
  let at = x;
  return lines
    .map((l) => {
      const style = STYLE[l.style];
      const weight = 'bold' in style && style.bold ? ' font-weight="bold"' : '';
      const text = `<text class="${CLASS[l.style]}" x="${n(at)}" y="${n(baseline)}" font-size="${style.size}"${weight}>${escapeXml(l.text)}</text>`;
      at += textWidth(l.text, style) + 8;
      return text;
    })
    .join('');
}

/** The outline of an element's shape. */
function shapeOf(p: PlacedElement): string {
  const { x, y, width: w, height: h } = p;
  switch (p.element.shape) {
    case 'person': {
      const r = 17;
      const body = `<rect class="af-shape" x="${n(x)}" y="${n(y + 24)}" width="${n(w)}" height="${n(h - 24)}" rx="18"/>`;
      return `${body}<circle class="af-shape" cx="${n(x + w / 2)}" cy="${n(y + r + 1)}" r="${r}"/>`;
    }
    case 'database': {
      const c = 10;
      const rx = w / 2;
      const body = `<path class="af-shape" d="M${n(x)},${n(y + c)} V${n(y + h - c)} A${n(rx)},${c} 0 0 0 ${n(x + w)},${n(y + h - c)} V${n(y + c)} A${n(rx)},${c} 0 0 0 ${n(x)},${n(y + c)} Z"/>`;
      return `${body}<ellipse class="af-shape" cx="${n(x + rx)}" cy="${n(y + c)}" rx="${n(rx)}" ry="${c}"/>`;
    }
    case 'queue': {
      const c = 12;
      const ry = h / 2;
      const body = `<path class="af-shape" d="M${n(x + c)},${n(y)} H${n(x + w - c)} A${c},${n(ry)} 0 0 1 ${n(x + w - c)},${n(y + h)} H${n(x + c)} A${c},${n(ry)} 0 0 1 ${n(x + c)},${n(y)} Z"/>`;
      return `${body}<ellipse class="af-shape" cx="${n(x + w - c)}" cy="${n(y + ry)}" rx="${c}" ry="${n(ry)}"/>`;
    }
    default:
      return `<rect class="af-shape" x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" rx="8"/>`;
  }
}

function elementSvg(p: PlacedElement): string {
  const e = p.element;
  const classes = ['af-element', `af-${e.kind}`, e.external ? 'af-external' : '', e.assumption ? 'af-proposed' : '']
    .filter(Boolean)
    .join(' ');
  const cx = e.shape === 'queue' ? p.x + (p.width - 12) / 2 : p.x + p.width / 2;
  const label = `${e.name} (${e.kind}${e.external ? ', external' : ''})`;
  return (
    `<g class="${classes}" data-element-id="${escapeXml(e.id)}" role="graphics-symbol" aria-label="${escapeXml(label)}">` +
    // The whole description on hover: boxes of large views show only its beginning.
    `<title>${escapeXml([e.name, metaText(e), e.assumption ? proposedText(e.assumption) : '', e.description].filter(Boolean).join('\n'))}</title>` +
    shapeOf(p) +
    textBlock(p.lines, cx, p.y + p.textTop) +
    '</g>'
  );
}

/** An orthogonal polyline with slightly rounded corners. */
function pathOf(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const parts = [`M${n(points[0].x)},${n(points[0].y)}`];
  for (let i = 1; i < points.length; i++) {
    const p = points[i];
    const next = points[i + 1];
    if (!next) {
      parts.push(`L${n(p.x)},${n(p.y)}`);
      continue;
    }
    const prev = points[i - 1];
    const r = Math.min(6, Math.hypot(p.x - prev.x, p.y - prev.y) / 2, Math.hypot(next.x - p.x, next.y - p.y) / 2);
    const inX = p.x - Math.sign(p.x - prev.x) * r;
    const inY = p.y - Math.sign(p.y - prev.y) * r;
    const outX = p.x + Math.sign(next.x - p.x) * r;
    const outY = p.y + Math.sign(next.y - p.y) * r;
    parts.push(`L${n(inX)},${n(inY)}`, `Q${n(p.x)},${n(p.y)} ${n(outX)},${n(outY)}`);
  }
  return parts.join(' ');
}

function edgeSvg(e: PlacedEdge, marker: string): string {
  const r = e.relationship;
  return `<g class="af-edge" data-from="${escapeXml(r.from)}" data-to="${escapeXml(r.to)}"><path class="af-edge-line" d="${pathOf(e.points)}" marker-end="url(#${marker})"/></g>`;
}

function edgeLabelSvg(e: PlacedEdge): string {
  const l = e.label;
  if (!l) return '';
  const r = e.relationship;
  const top = l.y + (l.height - blockHeight(l.lines)) / 2;
  return (
    `<g class="af-edge-label" data-from="${escapeXml(r.from)}" data-to="${escapeXml(r.to)}">` +
    `<rect class="af-label-bg" x="${n(l.x)}" y="${n(l.y)}" width="${n(l.width)}" height="${n(l.height)}" rx="3"/>` +
    textBlock(l.lines, l.x + l.width / 2, top) +
    '</g>'
  );
}

/** The legend: one swatch per kind drawn in the view, and the relationship style. */
function legendSvg(
  items: readonly LegendItem[],
  x: number,
  y: number,
  maxWidth: number,
): { svg: string; height: number } {
  const size = STYLE.meta.size;
  const out: string[] = [];
  let cx = x;
  let cy = y + 26;
  const rowHeight = 34;
  out.push(
    `<text class="af-legend-title" x="${n(x)}" y="${n(y + size)}" font-size="${size}" font-weight="bold">Legend</text>`,
  );
  for (const item of items) {
    const w = 34 + textWidth(item.label, STYLE.meta) + 20;
    if (cx + w > x + maxWidth && cx > x) {
      cx = x;
      cy += rowHeight;
    }
    if (item.kind === 'relationship') {
      out.push(`<g class="af-legend-item"><path class="af-edge-line" d="M${n(cx)},${n(cy + 11)} H${n(cx + 26)}"/></g>`);
    } else if (item.kind === 'proposed') {
      out.push(
        `<g class="af-legend-item af-proposed"><rect class="af-shape" x="${n(cx)}" y="${n(cy)}" width="26" height="22" rx="4"/></g>`,
      );
    } else if (item.kind === 'boundary' || item.kind === 'node') {
      out.push(
        `<g class="af-legend-item af-boundary${item.kind === 'node' ? ' af-boundary-node' : ''}"><rect class="af-boundary-shape" x="${n(cx)}" y="${n(cy)}" width="26" height="22" rx="3"/></g>`,
      );
    } else {
      const classes = ['af-legend-item', `af-${item.kind}`, item.external ? 'af-external' : '']
        .filter(Boolean)
        .join(' ');
      const shape =
        item.shape === 'database'
          ? `<path class="af-shape" d="M${n(cx)},${n(cy + 4)} V${n(cy + 18)} A13,4 0 0 0 ${n(cx + 26)},${n(cy + 18)} V${n(cy + 4)} A13,4 0 0 0 ${n(cx)},${n(cy + 4)} Z"/><ellipse class="af-shape" cx="${n(cx + 13)}" cy="${n(cy + 4)}" rx="13" ry="4"/>`
          : item.shape === 'person'
            ? `<rect class="af-shape" x="${n(cx)}" y="${n(cy + 9)}" width="26" height="13" rx="6"/><circle class="af-shape" cx="${n(cx + 13)}" cy="${n(cy + 5)}" r="5"/>`
            : item.shape === 'queue'
              ? `<rect class="af-shape" x="${n(cx)}" y="${n(cy + 3)}" width="26" height="16" rx="8"/>`
              : `<rect class="af-shape" x="${n(cx)}" y="${n(cy)}" width="26" height="22" rx="4"/>`;
      out.push(`<g class="${classes}">${shape}</g>`);
    }
    out.push(
      `<text class="af-legend-label" x="${n(cx + 34)}" y="${n(cy + 16)}" font-size="${size}">${escapeXml(item.label)}</text>`,
    );
    cx += w;
  }
  return { svg: `<g class="af-legend">${out.join('')}</g>`, height: cy + rowHeight - y };
}

/** The SVG document of a laid out view. */
export function renderSvg(layout: DiagramLayout, options: SvgOptions = {}): string {
  const prefix = options.idPrefix ?? 'af';
  const marker = `${prefix}-arrow`;
  const top = options.title ? TITLE_HEIGHT : 0;
  const width = Math.max(layout.width, options.title ? textWidth(layout.view.title, STYLE.title) + 2 * MARGIN : 0);
  const legend = options.legend
    ? legendSvg(legendItems(layout.view), MARGIN, top + layout.height, Math.max(width - 2 * MARGIN, 320))
    : undefined;
  const height = top + layout.height + (legend ? legend.height + MARGIN : 0);
  const shift = (svg: string): string => (top ? `<g transform="translate(0,${top})">${svg}</g>` : svg);
  // Boundaries over the lines (their outlines have no fill), so that a line running through a
  // boundary's label passes under its text, which a halo in the canvas colour keeps legible.
  const body = [
    ...layout.edges.map((e) => edgeSvg(e, marker)),
    ...layout.boundaries
      .slice()
      .sort((a, b) => a.depth - b.depth)
      .map(
        (b) =>
          `<g class="af-boundary af-boundary-${b.boundary.kind}" data-element-id="${escapeXml(b.boundary.id)}" data-boundary-id="${escapeXml(b.boundary.id)}"><rect class="af-boundary-shape" x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" rx="10"/><title>${escapeXml(b.tooltip)}</title>${boundaryLabel(b.lines, b.x + LABEL_INSET, b.y + 8, b.stacked)}</g>`,
      ),
    ...layout.elements.map(elementSvg),
    ...layout.edges.map(edgeLabelSvg),
  ].join('');
  const style = options.palette ? `<style>${paletteCss(options.palette)}</style>` : '';
  const title = options.title
    ? `<text class="af-title" x="${MARGIN}" y="${MARGIN + STYLE.title.size}" font-size="${STYLE.title.size}" font-weight="bold">${escapeXml(layout.view.title)}</text>`
    : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="af-diagram" viewBox="0 0 ${n(width)} ${n(height)}" width="${n(width)}" height="${n(height)}" font-family="${escapeXml(DIAGRAM_FONT)}" role="img" aria-label="${escapeXml(layout.view.title)}" data-view="${escapeXml(layout.view.key)}">` +
    style +
    `<defs><marker id="${escapeXml(marker)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path class="af-arrowhead" d="M0,0 L10,5 L0,10 Z"/></marker></defs>` +
    `<rect class="af-bg" x="0" y="0" width="${n(width)}" height="${n(height)}"/>` +
    title +
    shift(body) +
    (legend ? legend.svg : '') +
    '</svg>'
  );
}

/** A standalone SVG file of a view: title, legend and the light palette inline. */
export function exportSvg(layout: DiagramLayout, palette: Palette = LIGHT): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderSvg(layout, { title: true, legend: true, palette })}\n`;
}
