/**
 * Mermaid C4 text for the views of the one C4 model: the portable form of each view, written to the
 * `.mmd` files and the ```mermaid blocks of the documents (GitHub renders it). The content of a view
 * comes from view.ts; this file only spells it in Mermaid. Every label is untrusted: it is reduced to
 * one line of plain text before it reaches Mermaid.
 */
import type { C4Model } from '../model';
import { LAYOUT } from '../steps';
import {
  type C4ViewData,
  type C4ViewElement,
  type C4ViewRelationship,
  TEXT_MAX,
  componentViewData,
  componentViewIds,
  containerViewData,
  contextViewData,
} from './view';

// The list of level-3 views is part of this module's contract (the engine and the checks use it here).
export { componentViewIds } from './view';

/** One view with the file it is written to (relative to the output folder) and its Mermaid text. */
export interface C4View extends C4ViewData {
  file: string;
  /** The view in Mermaid C4 syntax. */
  text: string;
}

/** Untrusted text made safe inside a quoted Mermaid C4 argument: one line, no quotes, directives or entities. */
export function mermaidText(value: string, max = 200): string {
  let s = typeof value === 'string' ? value : String(value ?? '');
  s = s
    // Line breaks would end the statement; other control characters have no business in a label.
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    // "%%" starts a comment or an init directive anywhere in the text.
    .replace(/%{2,}/g, '%')
    // A double quote ends the argument; a backtick starts a Markdown string.
    .replace(/["`]/g, "'")
    // Keep arrows readable, then no angle brackets at all (no markup reaches the renderer).
    .replace(/<->|<=>/g, '↔')
    .replace(/<-/g, '←')
    .replace(/->/g, '→')
    .replace(/=>/g, '⇒')
    .replace(/<=/g, '≤')
    .replace(/>=/g, '≥')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    // Braces open boundaries and directives; ";" ends a statement and closes Mermaid's #entity; codes.
    .replace(/\{/g, '(')
    .replace(/\}/g, ')')
    .replace(/;/g, ',')
    .replace(/\s+/g, ' ')
    .trim();
  if (s.length > max) s = `${s.slice(0, max - 1).trimEnd()}…`;
  return s;
}

/** An element id as a Mermaid alias; ids are validated on parse, this is the defensive second line. */
export function mermaidId(id: string): string {
  const s = String(id).replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z]/.test(s) ? s : `x${s}`;
}

/** `Macro(alias, "arg", …)`, dropping trailing empty arguments. */
function call(macro: string, id: string, args: string[]): string {
  const quoted = args.map((a) => `"${a}"`);
  while (quoted.length > 1 && quoted[quoted.length - 1] === '""') quoted.pop();
  return `${macro}(${mermaidId(id)}, ${quoted.join(', ')})`;
}

function relLine(r: C4ViewRelationship): string {
  const args = [mermaidText(r.label, TEXT_MAX.label), mermaidText(r.technology, TEXT_MAX.technology)];
  const quoted = args.map((a) => `"${a}"`);
  if (quoted[1] === '""') quoted.pop();
  return `Rel(${mermaidId(r.from)}, ${mermaidId(r.to)}, ${quoted.join(', ')})`;
}

const MACRO: Record<C4ViewElement['shape'], string> = {
  person: 'Person',
  box: 'Container',
  database: 'ContainerDb',
  queue: 'ContainerQueue',
};

function elementLine(e: C4ViewElement): string {
  const name = mermaidText(e.name, TEXT_MAX.name);
  const description = mermaidText(e.description, TEXT_MAX.description);
  const ext = e.external ? '_Ext' : '';
  if (e.kind === 'person') return call(`Person${ext}`, e.id, [name, description]);
  if (e.kind === 'system') return call(`System${ext}`, e.id, [name, description]);
  const macro = e.kind === 'component' ? 'Component' : MACRO[e.shape];
  return call(`${macro}${ext}`, e.id, [name, mermaidText(e.technology, TEXT_MAX.technology), description]);
}

const HEADER: Record<C4ViewData['kind'], string> = {
  context: 'C4Context',
  container: 'C4Container',
  component: 'C4Component',
  deployment: 'C4Deployment',
};

const BOUNDARY_MACRO: Record<C4ViewData['boundaries'][number]['kind'], string> = {
  system: 'System_Boundary',
  container: 'Container_Boundary',
  environment: 'Deployment_Node',
  node: 'Deployment_Node',
};

/** The opening statement of a boundary, e.g. `Container_Boundary(shopApi, "Shop API") {`. */
function boundaryLine(b: C4ViewData['boundaries'][number]): string {
  return `${BOUNDARY_MACRO[b.kind]}(${mermaidId(b.id)}, "${mermaidText(b.name, TEXT_MAX.name)}") {`;
}

/** A view's Mermaid text: elements outside boundaries, each boundary with its elements, then relationships. */
export function mermaidOf(view: C4ViewData): string {
  const body: string[] = view.elements.filter((e) => e.boundary === undefined).map(elementLine);
  for (const b of view.boundaries) {
    body.push(boundaryLine(b));
    for (const e of view.elements) if (e.boundary === b.id) body.push(`  ${elementLine(e)}`);
    body.push('}');
  }
  body.push(...view.relationships.map(relLine));
  const title = mermaidText(view.title, TEXT_MAX.title + 40);
  return [HEADER[view.kind], `  title ${title}`, ...body.map((l) => `  ${l}`)].join('\n') + '\n';
}

/**
 * Whether a ```mermaid block of a document draws `view` (possibly from an older model): the same
 * diagram type and, for a component view, the same container boundary.
 */
export function blockDrawsView(block: string, view: C4ViewData): boolean {
  const text = block.trimStart();
  if (!text.startsWith(HEADER[view.kind])) return false;
  if (view.kind !== 'component') return true;
  const boundary = view.boundaries[0];
  const opening = `${BOUNDARY_MACRO[boundary.kind]}(${mermaidId(boundary.id)},`;
  return text.split('\n').some((line) => line.trim().replace(/\(\s+/, '(').startsWith(opening));
}

/** The title of the level-1 view, e.g. "System Context — Web Shop". */
export function contextTitle(model: C4Model): string {
  return contextViewData(model).title;
}

/** Level 1 (C4Context) as Mermaid text. */
export function contextView(model: C4Model): string {
  return mermaidOf(contextViewData(model));
}

/** The title of the level-2 view, e.g. "Container View — Web Shop". */
export function containerTitle(model: C4Model): string {
  return containerViewData(model).title;
}

/** Level 2 (C4Container) as Mermaid text: a `System_Boundary` per system that has containers. */
export function containerView(model: C4Model): string {
  return mermaidOf(containerViewData(model));
}

/** The title of a level-3 view, e.g. "Component View — Shop API". */
export function componentTitle(model: C4Model, containerId: string): string {
  return componentViewData(model, containerId).title;
}

/** Level 3 (C4Component) of one container as Mermaid text: a `Container_Boundary` with its components. */
export function componentView(model: C4Model, containerId: string): string {
  return mermaidOf(componentViewData(model, containerId));
}

/** A container id in kebab case for file names: `orderService` → `order-service`, `shopAPI` → `shop-api`. */
export function kebabId(id: string): string {
  const s = String(id)
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s || 'container';
}

/** The file name of a container's level-3 view: `c4-component-<kebab-id>.mmd`. */
export function viewFileName(containerId: string): string {
  const prefix = LAYOUT.c4ComponentPrefix.slice(LAYOUT.c4ComponentPrefix.lastIndexOf('/') + 1);
  return `${prefix}${kebabId(containerId)}.mmd`;
}

/**
 * Every view of the model, as data with its Mermaid text and its file (relative to the output folder):
 * context, container, and one component view per container with components. This is the one view
 * function: the `.mmd` files, the document blocks and the preview all come from it. Two ids with the
 * same kebab form (`orderDb`, `order_db`) would share a file, so later ones get a numeric suffix.
 */
export function renderC4Views(model: C4Model): C4View[] {
  const withText = (view: C4ViewData, file: string): C4View => ({ ...view, file, text: mermaidOf(view) });
  const views: C4View[] = [
    withText(contextViewData(model), LAYOUT.c4Context),
    withText(containerViewData(model), LAYOUT.c4Container),
  ];
  const dir = LAYOUT.c4ComponentPrefix.slice(0, LAYOUT.c4ComponentPrefix.lastIndexOf('/') + 1);
  const taken = new Set<string>();
  for (const id of componentViewIds(model)) {
    let file = viewFileName(id);
    for (let n = 2; taken.has(file.toLowerCase()); n++) file = viewFileName(id).replace(/\.mmd$/, `-${n}.mmd`);
    taken.add(file.toLowerCase());
    views.push(withText(componentViewData(model, id), `${dir}${file}`));
  }
  return views;
}

/**
 * Removes Mermaid configuration from diagram text written by a model: `%%{…}%%` directives (also when
 * unterminated) and a leading YAML front matter block that sets `config:`. Neither may change how a
 * diagram renders (securityLevel, themes with CSS); the webview's settings are the only ones.
 */
export function stripInitDirectives(text: string): string {
  let out = text;
  // Removing one directive can join the pieces of another ("%%%{x}%%{init…}%%"): repeat until stable.
  for (let i = 0; i < 10 && out.includes('%%{'); i++) {
    out = out.replace(/%%\{[\s\S]*?\}%%/g, '').replace(/%%\{[^\n]*/g, '');
  }
  return out.replace(/^(\s*)---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/, (block, lead: string, body: string) =>
    /^\s*config\s*:/m.test(body) ? lead : block,
  );
}
