/**
 * What each C4 view of the one model draws, as data: the elements, the boundaries they sit in and the
 * relationships lifted to the view's level. The Mermaid text (mermaid.ts), the preview's layout and
 * the exports are all made from this, so they cannot disagree about what a view contains.
 */
import type { C4Component, C4Container, C4Model, C4Person, C4System, ContainerKind } from '../model';

/** The kinds of view: the three C4 levels and the deployment view (nested nodes). */
export type C4ViewKind = 'context' | 'container' | 'component' | 'deployment';

/** What an element is in C4 terms. */
export type C4ElementKind = 'person' | 'system' | 'container' | 'component' | 'infrastructure';

/** How an element is drawn: a person, a box, a cylinder (data stores) or a pipe (queues). */
export type C4Shape = 'person' | 'box' | 'database' | 'queue';

/** One element drawn in a view. Texts are the model's, untrusted: every renderer escapes them. */
export interface C4ViewElement {
  id: string;
  kind: C4ElementKind;
  shape: C4Shape;
  name: string;
  technology: string;
  description: string;
  external: boolean;
  /** The boundary the element is drawn in (an id of `boundaries`), if any. */
  boundary?: string;
  /** The assumption (`A-n`) that proposes its technology: the PRD named none. */
  assumption?: string;
}

/** A boundary drawn around elements: a software system at level 2, a container at level 3. */
export interface C4ViewBoundary {
  id: string;
  kind: 'system' | 'container' | 'environment' | 'node';
  name: string;
  external: boolean;
  /** A deployment node's technology ("AWS ECS Fargate"). */
  technology?: string;
  /** The assumption (`A-n`) that proposes a deployment node's technology. */
  assumption?: string;
  /** An enclosing boundary (deployment nodes nest); none at levels 1-3. */
  parent?: string;
}

/** One relationship as the view draws it (ends lifted to the elements the view shows). */
export interface C4ViewRelationship {
  from: string;
  to: string;
  label: string;
  technology: string;
}

/** One view's content. Elements without a boundary come first, then each boundary's, in model order. */
export interface C4ViewData {
  /** Stable key: "context", "container" or "component:<containerId>". */
  key: string;
  kind: C4ViewKind;
  /** 4 is the deployment view. */
  level: 1 | 2 | 3 | 4;
  title: string;
  /** Level 3 only: the container the view details. */
  containerId?: string;
  elements: C4ViewElement[];
  boundaries: C4ViewBoundary[];
  relationships: C4ViewRelationship[];
}

/** Length caps per kind of text, so a runaway description cannot swamp a diagram. */
export const TEXT_MAX = { title: 120, name: 80, technology: 80, description: 240, label: 120 } as const;

/**
 * Model text as one line of plain text of at most `max` characters: no control characters, and no
 * "%%" (a Mermaid directive or comment in a label means nothing to a reader, whichever renderer draws it).
 */
export function viewText(value: unknown, max: number): string {
  let s = typeof value === 'string' ? value : String(value ?? '');
  s = s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/%{2,}/g, '%')
    .replace(/\s+/g, ' ')
    .trim();
  if (s.length > max) s = `${s.slice(0, max - 1).trimEnd()}…`;
  return s;
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
): C4ViewRelationship[] {
  const lift = (id: string): string | undefined => {
    let current: string | undefined = id;
    // Bounded walk: a hand-edited model could make a cycle of parents.
    for (let depth = 0; current !== undefined && depth < 4; depth++) {
      if (visible.has(current)) return current;
      current = ix.parent.get(current);
    }
    return undefined;
  };
  const chosen = new Map<string, { rel: C4ViewRelationship; direct: boolean }>();
  for (const r of model.relationships) {
    const from = lift(r.from);
    const to = lift(r.to);
    if (from === undefined || to === undefined || from === to || !keep(from, to)) continue;
    const key = `${from}\u0000${to}`;
    const direct = from === r.from && to === r.to;
    const previous = chosen.get(key);
    if (previous && (previous.direct || !direct)) continue;
    // Map.set on an existing key keeps its position, so the output stays in model order.
    const rel = {
      from,
      to,
      label: viewText(r.label, TEXT_MAX.label),
      technology: viewText(r.technology ?? '', TEXT_MAX.technology),
    };
    chosen.set(key, { rel, direct });
  }
  return [...chosen.values()].map((c) => c.rel);
}

function personElement(p: C4Person): C4ViewElement {
  return {
    id: p.id,
    kind: 'person',
    shape: 'person',
    name: viewText(p.name, TEXT_MAX.name),
    technology: '',
    description: viewText(p.description, TEXT_MAX.description),
    external: p.external,
  };
}

function systemElement(s: C4System): C4ViewElement {
  return {
    id: s.id,
    kind: 'system',
    shape: 'box',
    name: viewText(s.name, TEXT_MAX.name),
    technology: '',
    description: viewText(s.description, TEXT_MAX.description),
    external: s.external,
  };
}

/** Data stores are cylinders, queues pipes, everything else a box. */
export function containerShape(kind: ContainerKind): C4Shape {
  if (kind === 'database' || kind === 'cache' || kind === 'storage') return 'database';
  return kind === 'queue' ? 'queue' : 'box';
}

function containerElement(c: C4Container, external: boolean, boundary?: string): C4ViewElement {
  const e: C4ViewElement = {
    id: c.id,
    kind: 'container',
    shape: containerShape(c.kind),
    name: viewText(c.name, TEXT_MAX.name),
    technology: viewText(c.technology, TEXT_MAX.technology),
    description: viewText(c.description, TEXT_MAX.description),
    external,
  };
  if (boundary !== undefined) e.boundary = boundary;
  if (c.assumption) e.assumption = c.assumption;
  return e;
}

function componentElement(c: C4Component, boundary: string): C4ViewElement {
  return {
    id: c.id,
    kind: 'component',
    shape: 'box',
    name: viewText(c.name, TEXT_MAX.name),
    technology: viewText(c.technology, TEXT_MAX.technology),
    description: viewText(c.description, TEXT_MAX.description),
    external: false,
    boundary,
  };
}

/** The names of the systems in scope, for titles. */
function scopeName(systems: Iterable<C4System>): string {
  return [...systems]
    .filter((s) => !s.external)
    .map((s) => s.name)
    .join(', ');
}

function titled(prefix: string, name: string): string {
  // "#" ends Mermaid's title token; the title is shared by every renderer, so it never has one.
  const text = viewText(name.replace(/#/g, ' '), TEXT_MAX.title);
  return text ? `${prefix} — ${text}` : prefix;
}

/** The systems drawn as boundaries at level 2: those that have containers, in model order. */
function boundarySystems(ix: ModelIndex): C4System[] {
  const owners = new Set([...ix.containers.values()].map((c) => c.system));
  return [...ix.systems.values()].filter((s) => owners.has(s.id));
}

/** Level 1: people and software systems; relationships of lower levels lifted to systems. */
export function contextViewData(model: C4Model): C4ViewData {
  const ix = indexModel(model);
  const visible = new Set([...ix.people.keys(), ...ix.systems.keys()]);
  return {
    key: 'context',
    kind: 'context',
    level: 1,
    title: titled('System Context', scopeName(ix.systems.values())),
    elements: [...[...ix.people.values()].map(personElement), ...[...ix.systems.values()].map(systemElement)],
    boundaries: [],
    relationships: liftRelationships(model, ix, visible),
  };
}

/**
 * Level 2: each system that has containers becomes a boundary around them, with the people and other
 * systems that relate to a container (what happens between people and other systems alone is level 1's
 * story). A relationship that ends at a bounded system is left out (its containers' relationships
 * refine it, and Mermaid cannot draw an arrow to a boundary).
 */
export function containerViewData(model: C4Model): C4ViewData {
  const ix = indexModel(model);
  const bounded = boundarySystems(ix);
  const boundedIds = new Set(bounded.map((s) => s.id));
  const others = [...ix.systems.values()].filter((s) => !boundedIds.has(s.id));
  const visible = new Set([...ix.people.keys(), ...others.map((s) => s.id), ...ix.containers.keys()]);
  const containers = [...ix.containers.values()];
  const relationships = liftRelationships(
    model,
    ix,
    visible,
    (from, to) => ix.containers.has(from) || ix.containers.has(to),
  );
  const neighbours = new Set(relationships.flatMap((r) => [r.from, r.to]));
  const elements: C4ViewElement[] = [
    ...[...ix.people.values()].filter((p) => neighbours.has(p.id)).map(personElement),
    ...others.filter((s) => neighbours.has(s.id)).map(systemElement),
    // A container whose system does not exist is drawn on its own, so the consistency finding has a picture.
    ...containers.filter((c) => !ix.systems.has(c.system)).map((c) => containerElement(c, false)),
  ];
  for (const s of bounded) {
    for (const c of containers) if (c.system === s.id) elements.push(containerElement(c, s.external, s.id));
  }
  return {
    key: 'container',
    kind: 'container',
    level: 2,
    title: titled('Container View', scopeName(bounded.length ? bounded : ix.systems.values())),
    elements,
    boundaries: bounded.map((s) => ({
      id: s.id,
      kind: 'system',
      name: viewText(s.name, TEXT_MAX.name),
      external: s.external,
    })),
    relationships,
  };
}

/**
 * Level 3 of one container: a boundary with its components, and the containers, people and systems
 * they relate to (relationships lifted to those neighbours).
 */
export function componentViewData(model: C4Model, containerId: string): C4ViewData {
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
  const relationships = liftRelationships(model, ix, visible, (from, to) => insideIds.has(from) || insideIds.has(to));
  const neighbours = new Set<string>();
  for (const r of relationships) for (const end of [r.from, r.to]) if (!insideIds.has(end)) neighbours.add(end);
  return {
    key: `component:${containerId}`,
    kind: 'component',
    level: 3,
    title: titled('Component View', target?.name ?? containerId),
    containerId,
    elements: [
      ...[...ix.people.values()].filter((p) => neighbours.has(p.id)).map(personElement),
      ...[...ix.systems.values()].filter((s) => neighbours.has(s.id)).map(systemElement),
      ...[...ix.containers.values()]
        .filter((c) => neighbours.has(c.id))
        .map((c) => containerElement(c, ix.systems.get(c.system)?.external ?? false)),
      ...inside.map((c) => componentElement(c, containerId)),
    ],
    boundaries: [
      {
        id: containerId,
        kind: 'container',
        name: viewText(target?.name ?? containerId, TEXT_MAX.name),
        external: false,
      },
    ],
    relationships,
  };
}

/** The containers that have components, in model order: one level-3 view each. */
export function componentViewIds(model: C4Model): string[] {
  const ix = indexModel(model);
  const owners = new Set([...ix.components.values()].map((c) => c.container));
  return [...ix.containers.keys()].filter((id) => owners.has(id));
}
