/**
 * Draws a C4 view in a webview with the shared renderer: layout (ELK, synchronous), SVG text, then
 * an element of this document. The SVG text is ours, with every model text escaped, so parsing it
 * creates no markup from the model. Also the exports: a standalone SVG, and a PNG rasterised here.
 */
import { type DiagramLayout, layoutView } from '../shared/diagram/layout';
import { exportSvg, renderSvg } from '../shared/diagram/svg';
import type { DiagramView } from '../shared/diagram/types';

const cache = new Map<string, DiagramLayout>();

/** The layout of `view`, computed once per distinct view (layout is deterministic). */
export function layoutOf(view: DiagramView): DiagramLayout {
  const key = JSON.stringify(view);
  let layout = cache.get(key);
  if (!layout) {
    layout = layoutView(view);
    if (cache.size > 50) cache.clear();
    cache.set(key, layout);
  }
  return layout;
}

let counter = 0;

/** The view as an SVG element of this document, coloured by the page's theme. */
export function drawDiagram(view: DiagramView): { svg: SVGSVGElement; layout: DiagramLayout } {
  const layout = layoutOf(view);
  const text = renderSvg(layout, { idPrefix: `af${++counter}` });
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = document.importNode(parsed.documentElement, true) as unknown as SVGSVGElement;
  return { svg, layout };
}

/** A standalone SVG file of the view (title, legend, light palette). */
export function svgFile(view: DiagramView): string {
  return exportSvg(layoutOf(view));
}

/** The view as a PNG (base64, no data: prefix) at `scale` times its size, drawn by the browser. */
export async function pngFile(view: DiagramView, scale = 2): Promise<string> {
  const text = svgFile(view);
  const size = /width="([\d.]+)" height="([\d.]+)"/.exec(text);
  const width = Number(size?.[1] ?? 800);
  const height = Number(size?.[2] ?? 600);
  const image = new Image();
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  image.src = `data:image/svg+xml;base64,${btoa(binary)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This webview cannot draw a PNG (no 2D canvas).');
  ctx.scale(scale, scale);
  ctx.drawImage(image, 0, 0, width, height);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
