/**
 * Mermaid C4 text for the three views of the one C4 model. Every label comes from model output and is
 * untrusted: it is reduced to one line of plain text before it reaches Mermaid.
 */
import type { C4Component, C4Container, C4Model, C4Person, C4System } from '../model';
import { LAYOUT } from '../steps';

/** Length caps per kind of text, so a runaway description cannot swamp a diagram. */
const MAX = { title: 120, name: 80, technology: 80, description: 240, label: 120 } as const;

/** One generated diagram with the file it is written to (relative to the output folder). */
export interface C4View {
  level: 1 | 2 | 3;
  file: string;
  title: string;
  /** Level 3 only: the container the view details. */
  containerId?: string;
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

/** A title line's text: like `mermaidText`, and without "#", which ends Mermaid's title token. */
function titleText(value: string): string {
  return mermaidText(value.replace(/#/g, ' '), MAX.title);
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

/** The model's elements by id (first definition wins when an id is reused), and each element's parent. */
interface ModelIndex {
  people: Map<string, C4Person>;
  systems: Map<string, C4System>;
  containers: Map<string, C4Container>;
  components: Map<string, C4Component>;
  /** component → container, container → system. */
  parent: Map<string, string>;
}

function indexModel(model: C4Model): ModelIndex {
  const taken = new Set<string>();
  const byId = <T extends { id: string }>(items: readonly T[]): Map<string, T> => {
    const map = new Map<string, T>();
    for (const item of items) {
      if (taken.has(item.id)) continue;
      taken.add(item.id);
      map.set(item.id, item);
    }
    return map;
  };
  const ix: ModelIndex = {
    people: byId(model.people),
    systems: byId(model.systems),
    containers: byId(model.containers),
    components: byId(model.components),
    parent: new Map(),
  };
  for (const c of ix.containers.values()) ix.parent.set(c.id, c.system);
  for (const c of ix.components.values()) ix.parent.set(c.id, c.container);
  return ix;
}

/** A relationship as one view draws it. */
interface ViewRel {
  from: string;
  to: string;
  label: string;
  technology: string;
}

/**
 * Lifts every relationship to the view: each end becomes its nearest ancestor visible in the view
 * (component → container → system); ends with no visible ancestor, self-loops and relationships `keep`
 * rejects are dropped. Several relationships between the same two elements become one: the one declared
 * at this level if there is one (its label was written for it), else the first in model order.
 */
function liftRelationships(
  model: C4Model,
  ix: ModelIndex,
  visible: ReadonlySet<string>,
  keep: (from: string, to: string) => boolean = () => true,
): ViewRel[] {
  const lift = (id: string): string | undefined => {
    let current: string | undefined = id;
    // Bounded walk: a hand-edited model could make a cycle of parents.
    for (let depth = 0; current !== undefined && depth < 4; depth++) {
      if (visible.has(current)) return current;
      current = ix.parent.get(current);
    }
    return undefined;
  };
  const chosen = new Map<string, { rel: ViewRel; direct: boolean }>();
  for (const r of model.relationships) {
    const from = lift(r.from);
    const to = lift(r.to);
    if (from === undefined || to === undefined || from === to || !keep(from, to)) continue;
    const key = `${from}\u0000${to}`;
    const direct = from === r.from && to === r.to;
    const previous = chosen.get(key);
    if (previous && (previous.direct || !direct)) continue;
    // Map.set on an existing key keeps its position, so the output stays in model order.
    chosen.set(key, { rel: { from, to, label: r.label, technology: r.technology ?? '' }, direct });
  }
  return [...chosen.values()].map((c) => c.rel);
}

function relLine(r: ViewRel): string {
  const args = [mermaidText(r.label, MAX.label), mermaidText(r.technology, MAX.technology)];
  const quoted = args.map((a) => `"${a}"`);
  if (quoted[1] === '""') quoted.pop();
  return `Rel(${mermaidId(r.from)}, ${mermaidId(r.to)}, ${quoted.join(', ')})`;
}

function personLine(p: C4Person): string {
  return call(p.external ? 'Person_Ext' : 'Person', p.id, [
    mermaidText(p.name, MAX.name),
    mermaidText(p.description, MAX.description),
  ]);
}

function systemLine(s: C4System): string {
  return call(s.external ? 'System_Ext' : 'System', s.id, [
    mermaidText(s.name, MAX.name),
    mermaidText(s.description, MAX.description),
  ]);
}

function containerLine(c: C4Container, external: boolean): string {
  const base = ['database', 'cache', 'storage'].includes(c.kind)
    ? 'ContainerDb'
    : c.kind === 'queue'
      ? 'ContainerQueue'
      : 'Container';
  return call(external ? `${base}_Ext` : base, c.id, [
    mermaidText(c.name, MAX.name),
    mermaidText(c.technology, MAX.technology),
    mermaidText(c.description, MAX.description),
  ]);
}

function componentLine(c: C4Component): string {
  return call('Component', c.id, [
    mermaidText(c.name, MAX.name),
    mermaidText(c.technology, MAX.technology),
    mermaidText(c.description, MAX.description),
  ]);
}

/** The names of the systems in scope, for titles. */
function scopeName(systems: Iterable<C4System>): string {
  return [...systems]
    .filter((s) => !s.external)
    .map((s) => s.name)
    .join(', ');
}

function withTitle(kind: string, title: string, body: string[]): string {
  return [kind, `  title ${title}`, ...body.map((l) => `  ${l}`)].join('\n') + '\n';
}

function titled(prefix: string, name: string): string {
  const text = titleText(name);
  return text ? `${prefix} — ${text}` : prefix;
}

/** The title of the level-1 view, e.g. "System Context — Web Shop". */
export function contextTitle(model: C4Model): string {
  return titled('System Context', scopeName(indexModel(model).systems.values()));
}

/** Level 1 (C4Context): people and software systems; relationships of lower levels lifted to systems. */
export function contextView(model: C4Model): string {
  const ix = indexModel(model);
  const visible = new Set([...ix.people.keys(), ...ix.systems.keys()]);
  const body = [
    ...[...ix.people.values()].map(personLine),
    ...[...ix.systems.values()].map(systemLine),
    ...liftRelationships(model, ix, visible).map(relLine),
  ];
  return withTitle('C4Context', contextTitle(model), body);
}

/** The systems drawn as boundaries at level 2: those that have containers, in model order. */
function boundarySystems(ix: ModelIndex): C4System[] {
  const owners = new Set([...ix.containers.values()].map((c) => c.system));
  return [...ix.systems.values()].filter((s) => owners.has(s.id));
}

/** The title of the level-2 view, e.g. "Container View — Web Shop". */
export function containerTitle(model: C4Model): string {
  const ix = indexModel(model);
  const bounded = boundarySystems(ix);
  return titled('Container View', scopeName(bounded.length ? bounded : ix.systems.values()));
}

/**
 * Level 2 (C4Container): each system that has containers becomes a `System_Boundary` around them, with
 * the people and other systems around it. Mermaid cannot draw a relationship to a boundary, so one that
 * ends at a bounded system is left out here (its containers' relationships refine it).
 */
export function containerView(model: C4Model): string {
  const ix = indexModel(model);
  const bounded = boundarySystems(ix);
  const boundedIds = new Set(bounded.map((s) => s.id));
  const others = [...ix.systems.values()].filter((s) => !boundedIds.has(s.id));
  const visible = new Set([...ix.people.keys(), ...others.map((s) => s.id), ...ix.containers.keys()]);
  const containers = [...ix.containers.values()];
  // A container whose system does not exist is drawn on its own, so the consistency finding has a picture.
  const orphans = containers.filter((c) => !ix.systems.has(c.system));
  const body = [
    ...[...ix.people.values()].map(personLine),
    ...others.map(systemLine),
    ...orphans.map((c) => containerLine(c, false)),
  ];
  for (const s of bounded) {
    body.push(`System_Boundary(${mermaidId(s.id)}, "${mermaidText(s.name, MAX.name)}") {`);
    for (const c of containers) if (c.system === s.id) body.push(`  ${containerLine(c, s.external)}`);
    body.push('}');
  }
  body.push(...liftRelationships(model, ix, visible).map(relLine));
  return withTitle('C4Container', containerTitle(model), body);
}

/** The containers that have components, in model order: one level-3 view each. */
export function componentViewIds(model: C4Model): string[] {
  const ix = indexModel(model);
  const owners = new Set([...ix.components.values()].map((c) => c.container));
  return [...ix.containers.keys()].filter((id) => owners.has(id));
}

/** The title of a level-3 view, e.g. "Component View — Shop API". */
export function componentTitle(model: C4Model, containerId: string): string {
  const container = indexModel(model).containers.get(containerId);
  return titled('Component View', container?.name ?? containerId);
}

/**
 * Level 3 (C4Component) of one container: a `Container_Boundary` with its components, and the
 * containers, people and systems they relate to (relationships lifted to those neighbours).
 */
export function componentView(model: C4Model, containerId: string): string {
  const ix = indexModel(model);
  const target = ix.containers.get(containerId);
  const inside = [...ix.components.values()].filter((c) => c.container === containerId);
  const insideIds = new Set(inside.map((c) => c.id));
  const visible = new Set<string>([
    ...insideIds,
    ...[...ix.containers.keys()].filter((id) => id !== containerId),
    ...ix.people.keys(),
    // The container's own system is the frame of this view, not a box in it.
    ...[...ix.systems.keys()].filter((id) => id !== target?.system),
  ]);
  const rels = liftRelationships(model, ix, visible, (from, to) => insideIds.has(from) || insideIds.has(to));
  const neighbours = new Set<string>();
  for (const r of rels) for (const end of [r.from, r.to]) if (!insideIds.has(end)) neighbours.add(end);

  const body: string[] = [
    ...[...ix.people.values()].filter((p) => neighbours.has(p.id)).map(personLine),
    ...[...ix.systems.values()].filter((s) => neighbours.has(s.id)).map(systemLine),
    ...[...ix.containers.values()]
      .filter((c) => neighbours.has(c.id))
      .map((c) => containerLine(c, ix.systems.get(c.system)?.external ?? false)),
  ];
  body.push(`Container_Boundary(${mermaidId(containerId)}, "${mermaidText(target?.name ?? containerId, MAX.name)}") {`);
  for (const c of inside) body.push(`  ${componentLine(c)}`);
  body.push('}');
  body.push(...rels.map(relLine));
  return withTitle('C4Component', componentTitle(model, containerId), body);
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
 * Every view of the model with its file (relative to the output folder): context, container, and one
 * component view per container with components. Two ids with the same kebab form (`orderDb`, `order_db`)
 * would share a file, so later ones get a numeric suffix.
 */
export function renderC4Views(model: C4Model): C4View[] {
  const views: C4View[] = [
    { level: 1, file: LAYOUT.c4Context, title: contextTitle(model), text: contextView(model) },
    { level: 2, file: LAYOUT.c4Container, title: containerTitle(model), text: containerView(model) },
  ];
  const dir = LAYOUT.c4ComponentPrefix.slice(0, LAYOUT.c4ComponentPrefix.lastIndexOf('/') + 1);
  const taken = new Set<string>();
  for (const id of componentViewIds(model)) {
    let file = viewFileName(id);
    for (let n = 2; taken.has(file.toLowerCase()); n++) file = viewFileName(id).replace(/\.mmd$/, `-${n}.mmd`);
    taken.add(file.toLowerCase());
    views.push({
      level: 3,
      file: `${dir}${file}`,
      title: componentTitle(model, id),
      containerId: id,
      text: componentView(model, id),
    });
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
