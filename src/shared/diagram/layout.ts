/**
 * Lays out a C4 view: element boxes sized from their wrapped text, boundaries as nested ELK nodes,
 * ELK layered with orthogonal routing around the boxes and edge labels placed by ELK (so labels
 * never sit on a box or on each other). Both top-down and left-to-right are tried and the one that
 * fits a wide editor better is kept. Pure and deterministic: the same view gives the same layout.
 */
import { type ElkEdge, type ElkNode, type ElkPoint, elkLayout } from './elk';
import { LEGIBLE_SCALE, LINE, STYLE } from './style';
import { textWidth, wrapText } from './text';
import type { DiagramBoundary, DiagramElement, DiagramRelationship, DiagramView } from './types';

const PAD_X = 10;
const PAD_Y = 8;
const MIN_TEXT = 150;
const MAX_TEXT = 230;
/** The text width of a compact box (the densest views): its kind line wraps rather than widen the box. */
const COMPACT_TEXT = 125;
const LABEL_MAX = 150;
const LABEL_WIDE = 210;
const PERSON_HEAD = 28;
const DB_CAP = 10;
const QUEUE_CAP = 12;
/** Room above a boundary's contents for its one-line label (name, then kind). */
export const BOUNDARY_TOP = 32;
const BOUNDARY_PAD = 12;
/** Where a boundary's label starts, from its left edge. */
export const LABEL_INSET = 16;
/** Room around the drawing. */
export const MARGIN = 10;

/** One line of text with its style. */
export interface TextLine {
  text: string;
  style: keyof typeof STYLE;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedElement extends Box {
  element: DiagramElement;
  /** The text block, top to bottom, and where it starts (below a person's head, a cylinder's cap). */
  lines: TextLine[];
  textTop: number;
}

export interface PlacedBoundary extends Box {
  boundary: DiagramBoundary;
  lines: TextLine[];
  /** The label's name and kind on rows of their own (a long kind), else side by side. */
  stacked: boolean;
  /** The whole label, for its tooltip. */
  tooltip: string;
  depth: number;
}

export interface PlacedEdge {
  relationship: DiagramRelationship;
  /** The polyline from the source's border to the target's border. */
  points: ElkPoint[];
  label?: Box & { lines: TextLine[] };
}

/** A laid out view, in px, origin at the top left of the drawing. */
export interface DiagramLayout {
  view: DiagramView;
  direction: 'DOWN' | 'RIGHT';
  width: number;
  height: number;
  elements: PlacedElement[];
  boundaries: PlacedBoundary[];
  edges: PlacedEdge[];
}

/** The kind line under an element's name, e.g. "[Container: PostgreSQL 16]". */
export function metaText(e: DiagramElement): string {
  // Infrastructure says what it is in its technology ("Load balancer: AWS ALB"), worded for people.
  if (e.kind === 'infrastructure') return e.technology ? `[${e.technology}]` : '[Infrastructure]';
  const kind =
    e.kind === 'person'
      ? 'Person'
      : e.kind === 'system'
        ? 'Software System'
        : e.kind === 'container'
          ? 'Container'
          : 'Component';
  const what = e.external ? `External ${kind}` : kind;
  return e.technology ? `[${what}: ${e.technology}]` : `[${what}]`;
}

/** The tag of a proposed technology, e.g. "proposed technology (A-301)". */
export function proposedText(assumption: string): string {
  return `proposed technology (${assumption})`;
}

function lineHeight(style: keyof typeof STYLE): number {
  return Math.round(STYLE[style].size * LINE);
}

/** The height of a block of lines (a small gap between name, meta and description). */
export function blockHeight(lines: readonly TextLine[]): number {
  let h = 0;
  let previous: TextLine['style'] | undefined;
  for (const l of lines) {
    if (previous !== undefined && previous !== l.style) h += 4;
    h += lineHeight(l.style);
    previous = l.style;
  }
  return h;
}

function elementLines(
  e: DiagramElement,
  descriptionLines: number,
  compact: boolean,
): { lines: TextLine[]; width: number } {
  const meta = metaText(e);
  const name = textWidth(e.name, STYLE.name);
  // A compact box is as narrow as its kind line wrapped onto two lines: a longer name wraps too.
  const natural = compact
    ? Math.min(Math.max(name, textWidth(meta, STYLE.meta)), COMPACT_TEXT)
    : Math.max(name, textWidth(meta, STYLE.meta));
  const width = Math.min(MAX_TEXT, Math.max(compact ? COMPACT_TEXT : MIN_TEXT, Math.ceil(natural)));
  const lines: TextLine[] = [
    ...wrapText(e.name, width, STYLE.name, 2).map((text) => ({ text, style: 'name' as const })),
    ...wrapText(meta, width, STYLE.meta, compact ? 2 : 1).map((text) => ({ text, style: 'meta' as const })),
    // A technology the PRD did not name is a proposal: say so, with the assumption it rests on.
    ...(e.assumption ? [{ text: proposedText(e.assumption), style: 'meta' as const }] : []),
    ...wrapText(e.description, width, STYLE.description, descriptionLines).map((text) => ({
      text,
      style: 'description' as const,
    })),
  ];
  return { lines, width };
}

function sizeElement(
  e: DiagramElement,
  descriptionLines: number,
  compact: boolean,
): { width: number; height: number; lines: TextLine[]; textTop: number } {
  const { lines, width } = elementLines(e, descriptionLines, compact);
  const textTop = e.shape === 'person' ? PERSON_HEAD + PAD_Y : e.shape === 'database' ? 2 * DB_CAP + PAD_Y - 4 : PAD_Y;
  const bottom = e.shape === 'database' ? DB_CAP + PAD_Y - 4 : PAD_Y;
  const extra = e.shape === 'queue' ? QUEUE_CAP : 0;
  return {
    width: width + 2 * PAD_X + extra,
    height: Math.ceil(textTop + blockHeight(lines) + bottom),
    lines,
    textTop,
  };
}

/**
 * A boundary label wider than this is stacked: its name, then its kind on a row of its own, cut to
 * the boundary's width (the whole text is its tooltip), so a long kind never widens a boundary.
 */
const BOUNDARY_LABEL_MAX = 260;

function stackedLabel(lines: readonly TextLine[], oneLine = false): boolean {
  return !oneLine && boundaryLabelWidth(lines) > BOUNDARY_LABEL_MAX;
}

function boundaryLines(b: DiagramBoundary): TextLine[] {
  if (b.kind === 'environment' || b.kind === 'node') {
    const what = b.kind === 'environment' ? 'Environment' : 'Deployment Node';
    const technology = b.technology && b.technology !== what ? `: ${b.technology}` : '';
    const proposal = b.assumption ? `, ${proposedText(b.assumption)}` : '';
    return [
      { text: b.name, style: 'boundaryName' },
      { text: `[${what}${technology}${proposal}]`, style: 'boundaryMeta' },
    ];
  }
  const kind = b.kind === 'system' ? 'Software System' : 'Container';
  return [
    { text: b.name, style: 'boundaryName' },
    { text: `[${b.external ? `External ${kind}` : kind}]`, style: 'boundaryMeta' },
  ];
}

/**
 * A relationship's label: its text, then its technology in brackets, wrapped to `max` px. Top-down
 * layouts put labels between rows, where height is scarce, so they try wide and short labels too.
 * At the leanest detail a label takes two lines at most: a label that needs both leaves its
 * technology to the tooltip (the label's own words say more than "[HTTPS]").
 */
function labelLines(r: DiagramRelationship, max: number, detail: number): TextLine[] {
  const technology = r.technology ? `[${r.technology}]` : '';
  // A short label and its technology share one line when they fit.
  const one = technology ? `${r.label} ${technology}` : r.label;
  if (r.label && textWidth(one, STYLE.label) <= max) return [{ text: one, style: 'label' }];
  const label = wrapText(r.label, max, STYLE.label, detail >= 3 ? 3 : 2).map((text) => ({
    text,
    style: 'label' as const,
  }));
  if (detail === 0 && label.length > 1) return label;
  return [
    ...label,
    ...(technology
      ? wrapText(technology, max, STYLE.technology, detail >= 3 ? 2 : 1).map((text) => ({
          text,
          style: 'technology' as const,
        }))
      : []),
  ];
}

/** The width of a boundary's label: its name and kind side by side on one line. */
export function boundaryLabelWidth(lines: readonly TextLine[]): number {
  return Math.ceil(lines.reduce((w, l) => w + textWidth(l.text, STYLE[l.style]), 0) + 8 * (lines.length - 1));
}

/** A boundary's label as drawn in a boundary of `width` px: a stacked one cut to fit. */
function placedLabel(
  lines: readonly TextLine[],
  width: number,
  oneLine: boolean,
): { lines: TextLine[]; stacked: boolean; tooltip: string } {
  const tooltip = lines.map((l) => l.text).join(' ');
  if (!stackedLabel(lines, oneLine)) return { lines: [...lines], stacked: false, tooltip };
  const max = Math.max(40, width);
  return {
    lines: lines.map((l) => ({ ...l, text: wrapText(l.text, max, STYLE[l.style], 1)[0] ?? '' })),
    stacked: true,
    tooltip,
  };
}

/** The room a boundary's label takes above its contents. */
function boundaryTop(lines: readonly TextLine[], oneLine: boolean): number {
  return stackedLabel(lines, oneLine) ? BOUNDARY_TOP + lineHeight('boundaryMeta') + 4 : BOUNDARY_TOP;
}

function linesWidth(lines: readonly TextLine[]): number {
  return Math.ceil(Math.max(0, ...lines.map((l) => textWidth(l.text, STYLE[l.style]))));
}

/**
 * Spacing and placement of every graph, the root's and each boundary's: ELK does not pass a parent's
 * options on to the graph inside a child node, so a boundary without them gets ELK's defaults
 * (spacing of 20 px between layers, Brandes-Köpf placement), which made nested views much taller.
 * (Model order is the root's only: ELK fails when a boundary asks for it too.)
 */
const GRAPH_OPTIONS: Record<string, string> = {
  'elk.layered.spacing.nodeNodeBetweenLayers': '12',
  'elk.spacing.nodeNode': '16',
  'elk.spacing.edgeNode': '12',
  'elk.spacing.edgeEdge': '10',
  'elk.layered.spacing.edgeNodeBetweenLayers': '6',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.labelNode': '8',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
};

const ROOT_OPTIONS: Record<string, string> = {
  ...GRAPH_OPTIONS,
  'elk.algorithm': 'layered',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.randomSeed': '1',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.thoroughness': '7',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
  'org.eclipse.elk.json.shapeCoords': 'ROOT',
  'org.eclipse.elk.json.edgeCoords': 'ROOT',
};

interface Prepared {
  sizes: Map<string, ReturnType<typeof sizeElement>>;
  boundaryText: Map<string, TextLine[]>;
  /** Boundaries whose long label is drawn on one line all the same: they came out wide enough for it. */
  oneLine: Set<string>;
  labels: TextLine[][];
  relationships: DiagramRelationship[];
  /** Relationships that share one label: the index of their bundle, by relationship index. */
  bundleOf: Map<number, number>;
  bundles: Bundle[];
}

/**
 * Relationships with the same label and technology into one element (fan-in) or out of one element
 * (fan-out): "Reads and writes [SQL]" from eight services to one database. They are drawn as one
 * labelled trunk: ELK places the label as a node between the shared end and the others, so the
 * label is written once and every line still runs from its source to its target.
 */
interface Bundle {
  /** The shared end, and whether it is the target (fan-in) or the source (fan-out). */
  hub: string;
  fanIn: boolean;
  /** The relationship indexes of the bundle. */
  members: number[];
}

const MIN_BUNDLE = 2;

function bundlesOf(relationships: readonly DiagramRelationship[]): {
  bundles: Bundle[];
  bundleOf: Map<number, number>;
} {
  const bundles: Bundle[] = [];
  const bundleOf = new Map<number, number>();
  for (const fanIn of [true, false]) {
    const groups = new Map<string, number[]>();
    relationships.forEach((r, i) => {
      if (bundleOf.has(i) || !r.label) return;
      const key = `${fanIn ? r.to : r.from}\u0000${r.label}\u0000${r.technology}`;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const members of groups.values()) {
      if (members.length < MIN_BUNDLE) continue;
      const r = relationships[members[0]];
      for (const i of members) bundleOf.set(i, bundles.length);
      bundles.push({ hub: fanIn ? r.to : r.from, fanIn, members });
    }
  }
  return { bundles, bundleOf };
}

/**
 * How many lines of description a box shows: all three in small views, fewer as views grow, so a
 * view of 30 elements still fits a wide editor with legible text (the details panel shows the rest).
 */
export function descriptionLines(elementCount: number): number {
  if (elementCount <= 6) return 3;
  if (elementCount <= 9) return 2;
  return elementCount <= 14 ? 1 : 0;
}

/** Refuses a view ELK would silently mangle: an id used twice (elements and boundaries share one space). */
function checkIds(view: DiagramView): void {
  const seen = new Set<string>();
  for (const { id } of [...view.elements, ...view.boundaries]) {
    if (seen.has(id))
      throw new Error(`The view draws the id "${id}" twice; every element and boundary needs its own id.`);
    seen.add(id);
  }
}

/** An element with this many relationships of their own labels out (or in) is a hub. */
const HUB = 4;

/**
 * The relationships that fan out of a hub or into one with labels of their own: in a top-down
 * layout their labels stand side by side in one row, so they are the ones kept narrow. A bundle's
 * label is written once and can be wide.
 */
function hubRelationships(relationships: readonly DiagramRelationship[], bundled: Map<number, number>): Set<number> {
  const out = new Map<string, number>();
  const into = new Map<string, number>();
  relationships.forEach((r, i) => {
    if (bundled.has(i)) return;
    out.set(r.from, (out.get(r.from) ?? 0) + 1);
    into.set(r.to, (into.get(r.to) ?? 0) + 1);
  });
  const hub = new Set<number>();
  relationships.forEach((r, i) => {
    if (!bundled.has(i) && ((out.get(r.from) ?? 0) >= HUB || (into.get(r.to) ?? 0) >= HUB)) hub.add(i);
  });
  return hub;
}

/** Whether some element of the view is a hub of relationships with labels of their own. */
function hasHub(view: DiagramView): boolean {
  const ids = new Set(view.elements.map((e) => e.id));
  const relationships = view.relationships.filter((r) => ids.has(r.from) && ids.has(r.to) && r.from !== r.to);
  return hubRelationships(relationships, bundlesOf(relationships).bundleOf).size > 0;
}

/**
 * The view's boxes and labels for one candidate layout. Labels are `labelWidth` wide at most; with
 * `hubLabels` only a hub's relationships are, and the others get wide labels (fewer lines).
 */
function prepare(view: DiagramView, labelWidth: number, detail: number, compact = false, hubLabels = false): Prepared {
  checkIds(view);
  const sizes = new Map(view.elements.map((e) => [e.id, sizeElement(e, detail, compact)] as const));
  const relationships = view.relationships.filter((r) => sizes.has(r.from) && sizes.has(r.to) && r.from !== r.to);
  const bundles = bundlesOf(relationships);
  const narrow = hubLabels ? hubRelationships(relationships, bundles.bundleOf) : undefined;
  return {
    sizes,
    boundaryText: new Map(view.boundaries.map((b) => [b.id, boundaryLines(b)] as const)),
    oneLine: new Set(),
    labels: relationships.map((r, i) => labelLines(r, !narrow || narrow.has(i) ? labelWidth : LABEL_WIDE, detail)),
    relationships,
    ...bundles,
  };
}

/** ELK's graph for the view: boundaries nest (by `parent`), elements sit in theirs, edges at the root. */
function elkGraph(view: DiagramView, p: Prepared, direction: 'DOWN' | 'RIGHT'): ElkNode {
  const known = new Set(view.boundaries.map((b) => b.id));
  // Crossing minimisation is most of ELK's time: big views (read with pan) get a quicker pass.
  const quick: Record<string, string> = big(view) ? { 'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF' } : {};
  const nodes = new Map<string, ElkNode>();
  for (const b of view.boundaries) {
    const lines = p.boundaryText.get(b.id) ?? [];
    const oneLine = p.oneLine.has(b.id);
    const title =
      (stackedLabel(lines, oneLine)
        ? Math.min(BOUNDARY_LABEL_MAX, linesWidth(lines.slice(0, 1)))
        : boundaryLabelWidth(lines)) +
      2 * BOUNDARY_PAD;
    nodes.set(`b:${b.id}`, {
      id: `b:${b.id}`,
      children: [],
      layoutOptions: {
        ...GRAPH_OPTIONS,
        ...quick,
        'elk.padding': `[top=${boundaryTop(lines, oneLine)},left=${BOUNDARY_PAD},bottom=${BOUNDARY_PAD},right=${BOUNDARY_PAD}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        // ELK (elkjs 0.12) applies a child graph's minimum size transposed in top-down layouts
        // (hierarchyHandling INCLUDE_CHILDREN): asked for (w, h) it gives a node at least h wide and
        // w high, so a wide label made a boundary as tall as the label is long. Asked the other way
        // round, it gives what is meant (a unit test pins this).
        'elk.nodeSize.minimum': direction === 'DOWN' ? `(80, ${title})` : `(${title}, 80)`,
      },
    });
  }
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      ...ROOT_OPTIONS,
      'elk.direction': direction,
      ...(big(view) ? { 'elk.layered.thoroughness': '1', ...quick } : {}),
    },
    children: [],
  };
  const parentOf = (boundary: string | undefined): ElkNode =>
    boundary !== undefined && known.has(boundary) ? nodes.get(`b:${boundary}`)! : root;
  for (const b of view.boundaries) {
    // A parent that does not exist, or a cycle of parents, puts the boundary at the root.
    const parent = inCycle(view.boundaries, b.id) ? root : parentOf(b.parent);
    parent.children!.push(nodes.get(`b:${b.id}`)!);
  }
  for (const e of view.elements) {
    const size = p.sizes.get(e.id)!;
    parentOf(e.boundary).children!.push({ id: `e:${e.id}`, width: size.width, height: size.height });
  }
  const labelOf = (i: number): ElkEdge['labels'] => {
    const lines = p.labels[i];
    return lines.length
      ? [
          {
            text: String(i),
            width: linesWidth(lines) + 8,
            height: blockHeight(lines) + 4,
            layoutOptions: { 'elk.edgeLabels.inline': 'true' },
          },
        ]
      : [];
  };
  root.edges = [];
  p.relationships.forEach((r, i) => {
    if (p.bundleOf.has(i)) return;
    root.edges!.push({ id: `r:${i}`, sources: [`e:${r.from}`], targets: [`e:${r.to}`], labels: labelOf(i) });
  });
  // A bundle's label is a node in the innermost boundary holding all its ends; lines meet there.
  const boundaryOf = new Map(view.elements.map((e) => [e.id, e.boundary] as const));
  const parentOfBoundary = new Map(view.boundaries.map((b) => [b.id, b.parent] as const));
  const chain = (element: string): (string | undefined)[] => {
    const out: (string | undefined)[] = [];
    for (
      let b = boundaryOf.get(element);
      b !== undefined && known.has(b) && out.length <= view.boundaries.length;
      b = parentOfBoundary.get(b)
    )
      out.unshift(b);
    return [undefined, ...out];
  };
  p.bundles.forEach((bundle, n) => {
    const ends = [
      bundle.hub,
      ...bundle.members.map((i) => (bundle.fanIn ? p.relationships[i].from : p.relationships[i].to)),
    ];
    const chains = ends.map(chain);
    let common: string | undefined;
    for (let d = 0; chains.every((c) => d < c.length && c[d] === chains[0][d]); d++) common = chains[0][d];
    const lines = p.labels[bundle.members[0]];
    const junction = `j:${n}`;
    // The label takes its lines in at one port and gives them out at another. ELK routes the lines
    // that share a port as one hyperedge, so a bundle's members merge into one line before its label
    // instead of arriving side by side, eight lines reading as one thick bar.
    const width = linesWidth(lines) + 8;
    const height = blockHeight(lines) + 4;
    const down = direction === 'DOWN';
    (common !== undefined && !inCycle(view.boundaries, common) ? parentOf(common) : root).children!.push({
      id: junction,
      width,
      height,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
      ports: [
        {
          id: `${junction}:in`,
          width: 0,
          height: 0,
          ...(down ? { x: width / 2, y: 0 } : { x: 0, y: height / 2 }),
          layoutOptions: { 'elk.port.side': down ? 'NORTH' : 'WEST' },
        },
        {
          id: `${junction}:out`,
          width: 0,
          height: 0,
          ...(down ? { x: width / 2, y: height } : { x: width, y: height / 2 }),
          layoutOptions: { 'elk.port.side': down ? 'SOUTH' : 'EAST' },
        },
      ],
    });
    const hub = `e:${bundle.hub}`;
    root.edges!.push(
      bundle.fanIn
        ? { id: `t:${n}`, sources: [`${junction}:out`], targets: [hub] }
        : { id: `t:${n}`, sources: [hub], targets: [`${junction}:in`] },
    );
    for (const i of bundle.members) {
      const r = p.relationships[i];
      root.edges!.push(
        bundle.fanIn
          ? { id: `r:${i}`, sources: [`e:${r.from}`], targets: [`${junction}:in`] }
          : { id: `r:${i}`, sources: [`${junction}:out`], targets: [`e:${r.to}`] },
      );
    }
  });
  return root;
}

/** Whether following `parent` links from boundary `id` never ends (a hand-edited cycle). */
function inCycle(boundaries: readonly DiagramBoundary[], id: string): boolean {
  const byId = new Map(boundaries.map((b) => [b.id, b.parent] as const));
  let current = byId.get(id);
  for (let i = 0; current !== undefined && byId.has(current); i++) {
    if (current === id || i > boundaries.length) return true;
    current = byId.get(current);
  }
  return false;
}

function collect(node: ElkNode, out: Map<string, ElkNode>): void {
  for (const child of node.children ?? []) {
    out.set(child.id, child);
    collect(child, out);
  }
}

function depthOf(boundaries: readonly DiagramBoundary[], b: DiagramBoundary): number {
  const byId = new Map(boundaries.map((x) => [x.id, x] as const));
  let depth = 0;
  for (let p = b.parent; p !== undefined && depth <= boundaries.length; p = byId.get(p)?.parent) depth++;
  return depth;
}

/**
 * A stacked label takes a row more above its boundary's contents. The boundaries of `layout` that
 * came out wide enough for their label on one line, as a preparation that puts them on one line
 * (undefined when there are none).
 */
function oneLineLabels(p: Prepared, layout: DiagramLayout): Prepared | undefined {
  const wide = layout.boundaries.filter((b) => {
    const lines = p.boundaryText.get(b.boundary.id) ?? [];
    return (
      !p.oneLine.has(b.boundary.id) &&
      stackedLabel(lines) &&
      LABEL_INSET + boundaryLabelWidth(lines) + BOUNDARY_PAD <= b.width
    );
  });
  return wide.length > 0 ? { ...p, oneLine: new Set([...p.oneLine, ...wide.map((b) => b.boundary.id)]) } : undefined;
}

function layoutIn(view: DiagramView, p: Prepared, direction: 'DOWN' | 'RIGHT'): DiagramLayout {
  const result = elkLayout(elkGraph(view, p, direction));
  const placed = new Map<string, ElkNode>();
  collect(result, placed);
  const box = (n: ElkNode | undefined): Box => ({
    x: (n?.x ?? 0) + MARGIN,
    y: (n?.y ?? 0) + MARGIN,
    width: n?.width ?? 0,
    height: n?.height ?? 0,
  });
  const elements = view.elements.map((element): PlacedElement => {
    const size = p.sizes.get(element.id)!;
    return { ...box(placed.get(`e:${element.id}`)), element, lines: size.lines, textTop: size.textTop };
  });
  const boundaries = view.boundaries.map((boundary): PlacedBoundary => ({
    ...box(placed.get(`b:${boundary.id}`)),
    boundary,
    ...placedLabel(
      p.boundaryText.get(boundary.id) ?? [],
      (placed.get(`b:${boundary.id}`)?.width ?? 0) - BOUNDARY_PAD - LABEL_INSET,
      p.oneLine.has(boundary.id),
    ),
    depth: depthOf(view.boundaries, boundary),
  }));
  const byId = new Map((result.edges ?? []).map((e) => [e.id, e] as const));
  const pointsOf = (e: ElkEdge | undefined): ElkPoint[] => {
    const points: ElkPoint[] = [];
    for (const s of e?.sections ?? []) {
      const last = points[points.length - 1];
      const start = s.startPoint;
      // Sections meet at a boundary's edge, not always at the same point: join them with two right
      // angles halfway, so the line stays orthogonal.
      if (last && Math.abs(last.x - start.x) > 0.5 && Math.abs(last.y - start.y) > 0.5) {
        const vertical = direction === 'DOWN';
        const mid = vertical ? (last.y + start.y) / 2 : (last.x + start.x) / 2;
        points.push(vertical ? { x: last.x, y: mid } : { x: mid, y: last.y });
        points.push(vertical ? { x: start.x, y: mid } : { x: mid, y: start.y });
      }
      points.push(start, ...(s.bendPoints ?? []), s.endPoint);
    }
    return points.map((pt) => ({ x: pt.x + MARGIN, y: pt.y + MARGIN }));
  };
  /** Joins two polylines that end and start on the border of a bundle's label (hidden under it). */
  const join = (a: ElkPoint[], b: ElkPoint[]): ElkPoint[] => {
    const end = a[a.length - 1];
    const start = b[0];
    if (!end || !start) return [...a, ...b];
    const corner = direction === 'DOWN' ? { x: start.x, y: end.y } : { x: end.x, y: start.y };
    return [...a, corner, ...b];
  };
  const junctions = new Map<number, Box>();
  p.bundles.forEach((_, n) => {
    const j = placed.get(`j:${n}`);
    if (j) junctions.set(n, box(j));
  });
  const labelled = new Set<number>();
  const edges = p.relationships.map((relationship, i): PlacedEdge => {
    const e = byId.get(`r:${i}`);
    const n = p.bundleOf.get(i);
    if (n !== undefined) {
      const own = pointsOf(e);
      const trunk = pointsOf(byId.get(`t:${n}`));
      const points = p.bundles[n].fanIn ? join(own, trunk) : join(trunk, own);
      const edge: PlacedEdge = { relationship, points };
      const at = junctions.get(n);
      // The bundle's label is written once, on its first member.
      if (at && !labelled.has(n) && p.labels[i].length) {
        labelled.add(n);
        edge.label = { ...at, lines: p.labels[i] };
      }
      return edge;
    }
    const edge: PlacedEdge = { relationship, points: pointsOf(e) };
    const label = e?.labels?.[0];
    if (label && p.labels[i].length) {
      edge.label = {
        x: (label.x ?? 0) + MARGIN,
        y: (label.y ?? 0) + MARGIN,
        width: label.width,
        height: label.height,
        lines: p.labels[i],
      };
    }
    return edge;
  });
  return {
    view,
    direction,
    width: Math.ceil((result.width ?? 0) + 2 * MARGIN),
    height: Math.ceil((result.height ?? 0) + 2 * MARGIN),
    elements,
    boundaries,
    edges,
  };
}

/** Views of more elements than this are not meant to be seen whole: they are read at 100 % with pan. */
export const WHOLE_VIEW_ELEMENTS = 30;

function big(view: DiagramView): boolean {
  return view.elements.length > WHOLE_VIEW_ELEMENTS;
}

/** The editor area the layout is made for: a 1280 px wide editor's diagram area, in px. */
export interface Viewport {
  width: number;
  height: number;
}

export const DEFAULT_VIEWPORT: Viewport = { width: 1230, height: 718 };

/** The scale at which a layout fits the viewport. */
function fitScale(l: DiagramLayout, viewport: Viewport): number {
  return Math.min(viewport.width / l.width, viewport.height / l.height);
}

/**
 * The best of three candidate layouts at one level of detail: top-down with wide and with narrow
 * labels, and left-to-right. Ties go to the first tried, so the choice is stable.
 */
function bestAt(view: DiagramView, detail: number, viewport: Viewport): DiagramLayout {
  const candidates: [DiagramLayout['direction'], number, boolean][] = [
    ['DOWN', LABEL_WIDE, false],
    ['DOWN', LABEL_MAX, false],
    ['RIGHT', LABEL_MAX, false],
  ];
  // A view with a hub also tries narrow labels for the hub's relationships only (without a hub,
  // that is the first candidate again).
  if (hasHub(view)) candidates.splice(2, 0, ['DOWN', LABEL_MAX, true]);
  // A view too big to be seen whole is read at 100 % with pan: one layout, and quick.
  const tried = view.elements.length <= 1 ? candidates.slice(0, 1) : big(view) ? candidates.slice(-1) : candidates;
  let best: { layout: DiagramLayout; p: Prepared } | undefined;
  const consider = (p: Prepared, direction: DiagramLayout['direction']): void => {
    const layout = layoutIn(view, p, direction);
    if (!best || fitScale(layout, viewport) > fitScale(best.layout, viewport) * 1.02) best = { layout, p };
  };
  for (const [direction, labelWidth, hubLabels] of tried)
    consider(prepare(view, labelWidth, detail, false, hubLabels), direction);
  // A view that does not fit legibly at the leanest detail tries compact boxes, which fit more per row.
  if (detail === 0 && !big(view) && fitScale(best!.layout, viewport) < LEGIBLE_SCALE) {
    for (const [direction, labelWidth, hubLabels] of tried)
      consider(prepare(view, labelWidth, detail, true, hubLabels), direction);
  }
  // The chosen layout is laid out once more when some of its boundaries can take their label on one
  // line (only the chosen one: a second pass for every candidate doubled the time of nested views).
  const { layout, p } = best!;
  const oneLine = oneLineLabels(p, layout);
  if (!oneLine) return layout;
  const again = layoutIn(view, oneLine, layout.direction);
  return fitScale(again, viewport) >= fitScale(layout, viewport) ? again : layout;
}

/**
 * Lays out `view` for `viewport`. The level of detail (lines of description and of relationship
 * labels) starts from the view's size; with room to spare it shows more, and when the view does not
 * fit at a legible zoom it shows less, as long as that helps. Deterministic: same view, same layout.
 */
export function layoutView(view: DiagramView, viewport: Viewport = DEFAULT_VIEWPORT): DiagramLayout {
  const start = descriptionLines(view.elements.length);
  let best = bestAt(view, start, viewport);
  let detail = start;
  while (detail < 3 && fitScale(best, viewport) >= 1) {
    const richer = bestAt(view, detail + 1, viewport);
    if (fitScale(richer, viewport) < LEGIBLE_SCALE) break;
    best = richer;
    detail++;
  }
  while (detail > 0 && detail <= start && fitScale(best, viewport) < LEGIBLE_SCALE) {
    const leaner = bestAt(view, detail - 1, viewport);
    if (fitScale(leaner, viewport) <= fitScale(best, viewport)) break;
    best = leaner;
    detail--;
  }
  return best;
}
