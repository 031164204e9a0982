/**
 * Reads a Mermaid C4 diagram (`C4Context`, `C4Container`, `C4Component`) back into view data, so a
 * ```mermaid block of a document can be drawn by our renderer (the panel's Documents tab, VS Code's
 * Markdown preview) exactly as it is written, even when it was edited by hand. Anything outside the
 * subset we understand makes the block "not ours" (undefined), and it is left to Mermaid.
 */
import {
  type C4ElementKind,
  type C4Shape,
  type C4ViewBoundary,
  type C4ViewData,
  type C4ViewElement,
  TEXT_MAX,
  viewText,
} from './view';

const HEADERS: Record<string, C4ViewData['kind']> = {
  C4Context: 'context',
  C4Container: 'container',
  C4Component: 'component',
  C4Deployment: 'deployment',
};
const LEVEL = { context: 1, container: 2, component: 3, deployment: 4 } as const;
/** Deployment node macros (C4Deployment); `Node_L`/`Node_R` only place the node in Mermaid's grid. */
const NODES = /^(?:Deployment_Node|Node|Node_L|Node_R)$/;
/** The tag the deployment view gives its infrastructure elements (load balancers, queues, collectors). */
export const INFRASTRUCTURE_TAG = '$tags="infrastructure"';

/** Element macros: kind, shape, and whether the third argument is a technology. */
const ELEMENTS: Record<string, { kind: C4ElementKind; shape: C4Shape; technology: boolean }> = {
  Person: { kind: 'person', shape: 'person', technology: false },
  System: { kind: 'system', shape: 'box', technology: false },
  SystemDb: { kind: 'system', shape: 'database', technology: false },
  SystemQueue: { kind: 'system', shape: 'queue', technology: false },
  Container: { kind: 'container', shape: 'box', technology: true },
  ContainerDb: { kind: 'container', shape: 'database', technology: true },
  ContainerQueue: { kind: 'container', shape: 'queue', technology: true },
  Component: { kind: 'component', shape: 'box', technology: true },
  ComponentDb: { kind: 'component', shape: 'database', technology: true },
  ComponentQueue: { kind: 'component', shape: 'queue', technology: true },
};
const BOUNDARIES: Record<string, C4ViewBoundary['kind']> = {
  Boundary: 'system',
  Enterprise_Boundary: 'system',
  System_Boundary: 'system',
  Container_Boundary: 'container',
};
const RELATIONSHIP = /^(?:Bi)?Rel(?:_(?:U|D|L|R|Up|Down|Left|Right|Back|Neighbor))?$/;
/** Statements that only style or arrange a Mermaid rendering. */
const IGNORED =
  /^(?:UpdateElementStyle|UpdateRelStyle|UpdateLayoutConfig|UpdateBoundaryStyle|AddElementTag|AddRelTag)$/;
const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The arguments of `Macro(a, "b, c", d)`: split at commas outside quotes, quotes removed. */
function splitArgs(text: string): string[] | undefined {
  const args: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      args.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (quoted) return undefined;
  args.push(current.trim());
  // `$tags="x"` and other named arguments style the Mermaid rendering only.
  return args.filter((a) => !a.startsWith('$'));
}

/** Where a Mermaid C4 text stops being C4 we can read, or a relationship to nothing: 1-based line, message. */
export interface MermaidProblem {
  line: number;
  message: string;
}

/** The result of reading Mermaid C4 text: the view (when it is C4 we read), or the first problem, and every arrow to nothing. */
export interface MermaidC4Reading {
  view?: C4ViewData;
  /** Why the text is not C4 we can read (a syntax error, or another diagram type: `notC4`). */
  error?: MermaidProblem & { notC4?: boolean };
  /** Relationships whose end is no element of the view (Mermaid draws nothing for them). */
  dangling: (MermaidProblem & { from: string; to: string })[];
}

/** A view read from Mermaid C4 text, or undefined when the text is not C4 we can draw. */
export function parseMermaidC4(text: string): C4ViewData | undefined {
  return readMermaidC4(text).view;
}

/** Reads Mermaid C4 text line by line, saying where it breaks (the line numbers are the text's own). */
export function readMermaidC4(text: string): MermaidC4Reading {
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ text: l.trim(), line: i + 1 }))
    .filter((l) => l.text !== '' && !l.text.startsWith('%%'));
  const dangling: MermaidC4Reading['dangling'] = [];
  const fail = (line: number, message: string, notC4 = false): MermaidC4Reading => ({
    error: { line, message, ...(notC4 ? { notC4 } : {}) },
    dangling,
  });
  const kind = HEADERS[lines[0]?.text ?? ''];
  if (!kind) return fail(lines[0]?.line ?? 1, 'not a C4Context, C4Container or C4Component diagram', true);
  let title = '';
  const elements: C4ViewElement[] = [];
  const boundaries: C4ViewBoundary[] = [];
  const relationships: (C4ViewData['relationships'][number] & { line: number })[] = [];
  const open: string[] = [];
  const ids = new Set<string>();
  for (const { text: line, line: n } of lines.slice(1)) {
    if (line.startsWith('title ')) {
      title = viewText(line.slice(6), TEXT_MAX.title + 40);
      continue;
    }
    if (line === '}') {
      if (open.pop() === undefined) return fail(n, 'a closing brace without an open boundary');
      continue;
    }
    const m = /^([A-Za-z_]+)\s*\((.*)\)\s*(\{)?$/.exec(line);
    if (!m) return fail(n, `not a C4 statement: ${viewText(line, 80)}`);
    const [, macro, body, brace] = m;
    const args = splitArgs(body);
    if (!args) return fail(n, 'a quote is not closed');
    if (!args[0]) return fail(n, `${macro} has no alias`);
    const parent = open[open.length - 1];
    const node = kind === 'deployment' && NODES.test(macro);
    if (node) {
      if (!brace || !ID.test(args[0]) || ids.has(args[0]))
        return fail(n, `${macro} is not a deployment node with an alias and "{"`);
      ids.add(args[0]);
      const technology = viewText(args[2] ?? '', TEXT_MAX.technology);
      const b: C4ViewBoundary = {
        id: args[0],
        // Our files write an environment as a top-level node whose technology is "Environment".
        kind: parent === undefined && technology === 'Environment' ? 'environment' : 'node',
        name: viewText(args[1] ?? args[0], TEXT_MAX.name),
        external: false,
        technology,
      };
      if (parent !== undefined) b.parent = parent;
      boundaries.push(b);
      open.push(args[0]);
      continue;
    }
    const boundaryKind = kind === 'deployment' ? undefined : BOUNDARIES[macro];
    if (boundaryKind) {
      if (!brace) return fail(n, `${macro} does not open a block with "{"`);
      if (!ID.test(args[0])) return fail(n, `"${viewText(args[0], 60)}" is not an alias`);
      if (ids.has(args[0])) return fail(n, `alias ${args[0]} is defined twice`);
      ids.add(args[0]);
      const b: C4ViewBoundary = {
        id: args[0],
        kind: boundaryKind,
        name: viewText(args[1] ?? args[0], TEXT_MAX.name),
        external: false,
      };
      if (parent !== undefined) b.parent = parent;
      boundaries.push(b);
      open.push(args[0]);
      continue;
    }
    if (brace) return fail(n, `${macro} cannot open a block`);
    if (RELATIONSHIP.test(macro)) {
      if (!ID.test(args[0]) || !ID.test(args[1] ?? '')) return fail(n, `${macro} needs two aliases`);
      relationships.push({
        from: args[0],
        to: args[1],
        label: viewText(args[2] ?? '', TEXT_MAX.label),
        technology: viewText(args[3] ?? '', TEXT_MAX.technology),
        line: n,
      });
      continue;
    }
    if (IGNORED.test(macro)) continue;
    const external = macro.endsWith('_Ext');
    const def = ELEMENTS[external ? macro.slice(0, -4) : macro];
    if (!def) return fail(n, `${macro} is not a C4 element`);
    if (!ID.test(args[0])) return fail(n, `"${viewText(args[0], 60)}" is not an alias`);
    if (ids.has(args[0])) return fail(n, `alias ${args[0]} is defined twice`);
    ids.add(args[0]);
    const infrastructure = kind === 'deployment' && body.replace(/\s+/g, '').includes(INFRASTRUCTURE_TAG);
    const e: C4ViewElement = {
      id: args[0],
      kind: infrastructure ? 'infrastructure' : def.kind,
      shape: def.shape,
      name: viewText(args[1] ?? args[0], TEXT_MAX.name),
      technology: def.technology ? viewText(args[2] ?? '', TEXT_MAX.technology) : '',
      description: viewText((def.technology ? args[3] : args[2]) ?? '', TEXT_MAX.description),
      external,
    };
    if (parent !== undefined) e.boundary = parent;
    elements.push(e);
  }
  if (open.length > 0)
    return fail(lines[lines.length - 1]?.line ?? 1, `boundary ${open[open.length - 1]} is not closed`);
  const known = new Set(elements.map((e) => e.id));
  for (const r of relationships) {
    const missing = [r.from, r.to].filter((id) => !ids.has(id));
    if (missing.length > 0) {
      dangling.push({
        line: r.line,
        from: r.from,
        to: r.to,
        message: `relationship ${r.from} → ${r.to} points to ${missing.join(' and ')}, which the view does not define`,
      });
    }
  }
  return {
    view: {
      key: `block:${kind}`,
      kind,
      level: LEVEL[kind],
      title:
        title ||
        {
          context: 'System Context',
          container: 'Container View',
          component: 'Component View',
          deployment: 'Deployment View',
        }[kind],
      elements,
      boundaries,
      // An arrow to a boundary or an unknown alias is not drawn (Mermaid would refuse it too).
      relationships: relationships
        .filter((r) => known.has(r.from) && known.has(r.to) && r.from !== r.to)
        .map(({ line: _line, ...r }) => r),
    },
    dangling,
  };
}
