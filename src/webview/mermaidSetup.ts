/**
 * The panel's one Mermaid setup, bundled with the extension (no network). Strict security level:
 * labels are sanitised and `click` callbacks are off. Diagram text comes from the host with
 * `%%{init}%%` directives already stripped; text that still carries one is refused here as well.
 */
import mermaid from 'mermaid';

/** A rendered SVG, or why the text could not be drawn (with the offending line when Mermaid names it). */
export type MermaidResult =
  { ok: true; svg: string } | { ok: false; message: string; line?: number; lineText?: string };

export type PanelTheme = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** Elements that load or embed something, or run script: never kept in a rendered diagram. */
const LOADING_TAGS = [
  'script',
  'img',
  'image',
  'picture',
  'source',
  'video',
  'audio',
  'track',
  'iframe',
  'frame',
  'object',
  'embed',
  'link',
  'meta',
  'base',
  'form',
  'input',
  'button',
  'textarea',
  'select',
] as const;

/** Attributes that hold a URL. Only in-document references (`#id`) survive. */
const URL_ATTRIBUTES = [
  'href',
  'xlink:href',
  'src',
  'srcset',
  'action',
  'formaction',
  'background',
  'poster',
  'ping',
] as const;

/** A URL in CSS that is not an in-document reference, or an @import. */
const REMOTE_CSS = /@import|url\(\s*(?!['"]?#)/i;

let configuredFor: string | undefined;
let counter = 0;

/** The VS Code theme kind, from the classes VS Code puts on <body>. */
export function currentTheme(): PanelTheme {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  if (c.contains('vscode-light')) return 'light';
  // Outside VS Code (tests), follow the page's colour scheme.
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** (Re)initialises Mermaid for the current theme; true when the settings changed (re-render then). */
export function configureMermaid(): boolean {
  const theme = currentTheme();
  const font = cssVar('--vscode-font-family', 'sans-serif');
  const key = `${theme}|${font}`;
  if (key === configuredFor) return false;
  configuredFor = key;
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    // Keep a parse error out of the page: the panel shows its own message with the offending line.
    suppressErrorRendering: true,
    theme: theme === 'dark' || theme === 'high-contrast' ? 'dark' : 'default',
    fontFamily: font,
    // Large models (100+ elements) exceed the default text and edge limits.
    maxTextSize: 500_000,
    maxEdges: 5_000,
    c4: { useMaxWidth: false, diagramMarginX: 24, diagramMarginY: 16, c4ShapeInRow: 4, c4BoundaryInRow: 2, wrap: true },
    flowchart: { useMaxWidth: false, htmlLabels: false },
    // Labels are sanitised by DOMPurify in strict mode; also refuse anything that could load a resource.
    dompurifyConfig: { FORBID_TAGS: [...LOADING_TAGS], FORBID_ATTR: [...URL_ATTRIBUTES, 'style'] },
    sequence: { useMaxWidth: false },
  });
  return true;
}

/**
 * The line a Mermaid error is about: the `line N` its parse errors name, else the first line that
 * contains every quoted name of the message (C4 errors such as `C4 rel "a" -> "b" references an
 * unknown shape` name the aliases, not the line).
 */
export function offendingLine(message: string, text: string): { line: number; lineText: string } | undefined {
  const lines = text.split('\n');
  const m = /\bline (\d+)/i.exec(message);
  if (m) {
    const line = Number(m[1]);
    const lineText = lines[line - 1];
    return lineText !== undefined ? { line, lineText } : undefined;
  }
  const names = [...message.matchAll(/"([^"\n]{1,80})"/g)].map((x) => x[1]);
  if (names.length === 0) return undefined;
  const word = (name: string): RegExp =>
    new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`);
  const index = lines.findIndex((l) => names.every((n) => word(n).test(l)));
  return index >= 0 ? { line: index + 1, lineText: lines[index] } : undefined;
}

/**
 * HTML in diagram labels becomes text: a `<` that opens a tag (other than `<br>`) is written as
 * Mermaid's `#lt;` entity. Arrows (`<--`, `<|--`) and stereotypes (`<<interface>>`) are left alone.
 * Strict mode would strip the markup anyway, but only after parsing it; this way it is never markup.
 */
export function neutralizeLabelHtml(text: string): string {
  return text.replace(/(?<!<)<(?!<)(?=[A-Za-z!/?])(?!br\s*\/?>)/gi, '#lt;');
}

/** Renders Mermaid text to an SVG string; never throws. */
export async function renderMermaid(text: string): Promise<MermaidResult> {
  configureMermaid();
  if (text.includes('%%{')) {
    return { ok: false, message: 'The diagram contains a Mermaid %%{…}%% directive, which the preview does not run.' };
  }
  const id = `archflow-mermaid-${++counter}`;
  try {
    const { svg } = await mermaid.render(id, neutralizeLabelHtml(text));
    return { ok: true, svg };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const where = offendingLine(message, text);
    return where ? { ok: false, message, ...where } : { ok: false, message };
  } finally {
    // Mermaid renders in a temporary element; make sure none is left behind after an error.
    document.getElementById(id)?.remove();
    document.getElementById(`d${id}`)?.remove();
  }
}

/**
 * Mermaid's SVG as an element of this document, scrubbed first in an inert document (where nothing
 * loads): no element that loads or runs anything, no event handler, no URL but `#id` references, no
 * CSS that fetches. Strict mode and the CSP already stop these; this keeps even same-origin requests
 * (the webview's own resource origin) from happening.
 */
export function svgElement(svg: string): SVGSVGElement | undefined {
  const inert = new DOMParser().parseFromString(`<!DOCTYPE html><body>${svg}</body>`, 'text/html');
  const root = inert.body.querySelector('svg');
  if (!root) return undefined;
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const tag = el.localName.toLowerCase();
    if ((LOADING_TAGS as readonly string[]).includes(tag)) {
      el.remove();
      continue;
    }
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim();
      if (name.startsWith('on')) el.removeAttribute(attr.name);
      else if ((URL_ATTRIBUTES as readonly string[]).includes(name) && !value.startsWith('#'))
        el.removeAttribute(attr.name);
      else if (name === 'style' && REMOTE_CSS.test(value)) el.removeAttribute(attr.name);
    }
    if (tag === 'style' && REMOTE_CSS.test(el.textContent ?? '')) el.remove();
  }
  return document.importNode(root, true) as SVGSVGElement;
}

/**
 * Crops an SVG in the page to what is drawn (Mermaid's C4 view box leaves a wide empty band above the
 * title) and gives it that natural size. False when it has no layout yet (a hidden tab).
 */
export function cropSvg(svg: SVGSVGElement, margin = 12): boolean {
  const content = svg.getBBox();
  if (content.width <= 0 || content.height <= 0) return false;
  const width = content.width + 2 * margin;
  const height = content.height + 2 * margin;
  svg.setAttribute('viewBox', `${content.x - margin} ${content.y - margin} ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.dataset.cropped = 'true';
  return true;
}
