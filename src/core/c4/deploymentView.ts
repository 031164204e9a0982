/**
 * The deployment view as data (environments and nested nodes as boundaries, container instances
 * and infrastructure as elements, flows lifted to the instances) and as Mermaid `C4Deployment`
 * text for diagrams/c4-deployment.mmd and section 9 of ARCHITECTURE.md. The shape follows the
 * other views' data (elements, boundaries with parents, relationships), so one renderer draws all.
 */
import type { C4ContainerInstance, C4Model, C4Relationship, ContainerKind } from '../model';
import { renderTable } from '../markdown';
import { mermaidId, mermaidText } from './mermaid';
import { INFRASTRUCTURE_TAG } from './mermaidParse';

/** Length caps per kind of text, as the other views use. */
const MAX = { title: 120, name: 80, technology: 80, description: 240, label: 120 } as const;

/** One element of the deployment view: a container instance on a node, or an infrastructure element. */
export interface DeploymentViewElement {
  id: string;
  kind: 'container' | 'infrastructure';
  shape: 'box' | 'database' | 'queue';
  name: string;
  technology: string;
  description: string;
  external: false;
  /** The node it runs on. */
  boundary: string;
  /** For a container instance: the container of the model it is an instance of. */
  instanceOf?: string;
  /** The assumption (`A-n`) that proposes its technology. */
  assumption?: string;
}

/** An environment (top level) or a deployment node (nested through `parent`). */
export interface DeploymentViewBoundary {
  id: string;
  kind: 'environment' | 'node';
  name: string;
  technology: string;
  external: false;
  parent?: string;
  /** The assumption (`A-n`) that proposes the node's technology. */
  assumption?: string;
}

/** A flow between two elements of the view. */
export interface DeploymentViewRelationship {
  from: string;
  to: string;
  label: string;
  technology: string;
}

/** Everything the deployment view draws. */
export interface DeploymentViewData {
  key: 'deployment';
  kind: 'deployment';
  title: string;
  elements: DeploymentViewElement[];
  boundaries: DeploymentViewBoundary[];
  relationships: DeploymentViewRelationship[];
}

/** The element id of a container's instance on a node (a Mermaid alias: letters, digits, underscores). */
export function instanceId(x: Pick<C4ContainerInstance, 'container' | 'node'>): string {
  return `${x.container}__${x.node}`;
}

function shapeOf(kind: ContainerKind | undefined): DeploymentViewElement['shape'] {
  if (kind === 'database' || kind === 'cache' || kind === 'storage') return 'database';
  return kind === 'queue' ? 'queue' : 'box';
}

/** "3–12 × 1 vCPU, 2 GB", or whichever half is given. */
function sizing(x: C4ContainerInstance): string {
  return [x.instances, x.size].filter(Boolean).join(' × ');
}

/** The title of the deployment view, e.g. "Deployment View — Web Shop". */
export function deploymentTitle(model: C4Model): string {
  const scope = model.systems
    .filter((s) => !s.external)
    .map((s) => s.name)
    .join(', ');
  const text = mermaidText(scope.replace(/#/g, ' '), MAX.title);
  return text ? `Deployment View — ${text}` : 'Deployment View';
}

/**
 * The deployment view of the model; undefined when it has none. Flows: each relationship of the
 * model lifted to containers (a component's end becomes its container) joins the instances of its
 * ends in each environment; each infrastructure flow joins the infrastructure element and the
 * instances of a container end in that element's environment. Ends that are not drawn are dropped.
 */
export function deploymentViewData(model: C4Model): DeploymentViewData | undefined {
  const d = model.deployment;
  if (!d) return undefined;
  const containers = new Map(model.containers.map((c) => [c.id, c]));
  const nodes = new Map(d.nodes.map((n) => [n.id, n]));
  const environments = new Set(d.environments.map((e) => e.id));
  const envOfNode = (id: string): string | undefined => nodes.get(id)?.environment;

  const boundaries: DeploymentViewBoundary[] = d.environments.map((e) => ({
    id: e.id,
    kind: 'environment',
    name: mermaidText(e.name, MAX.name),
    technology: 'Environment',
    external: false,
  }));
  for (const n of d.nodes) {
    if (!environments.has(n.environment)) continue;
    const parent = n.parent !== null && nodes.get(n.parent)?.environment === n.environment ? n.parent : n.environment;
    boundaries.push({
      id: n.id,
      kind: 'node',
      name: mermaidText(n.name, MAX.name),
      technology: mermaidText(n.technology, MAX.technology),
      external: false,
      parent,
      ...(n.assumption ? { assumption: n.assumption } : {}),
    });
  }
  const drawn = new Set(boundaries.map((b) => b.id));

  const elements: DeploymentViewElement[] = [];
  for (const i of d.infrastructure) {
    if (!drawn.has(i.node)) continue;
    elements.push({
      id: i.id,
      kind: 'infrastructure',
      shape: i.kind === 'queueService' ? 'queue' : 'box',
      name: mermaidText(i.name, MAX.name),
      technology: mermaidText(i.technology, MAX.technology),
      description: mermaidText([i.kind, i.description].filter(Boolean).join(': '), MAX.description),
      external: false,
      boundary: i.node,
      ...(i.assumption ? { assumption: i.assumption } : {}),
    });
  }
  const instances = d.deployments.filter((x) => containers.has(x.container) && drawn.has(x.node));
  for (const x of instances) {
    const c = containers.get(x.container)!;
    elements.push({
      id: instanceId(x),
      kind: 'container',
      shape: shapeOf(c.kind),
      name: mermaidText(c.name, MAX.name),
      technology: mermaidText(c.technology, MAX.technology),
      description: mermaidText(sizing(x), MAX.description),
      external: false,
      boundary: x.node,
      instanceOf: c.id,
      ...(c.assumption ? { assumption: c.assumption } : {}),
    });
  }

  const instancesIn = (container: string, env: string | undefined): string[] =>
    instances.filter((x) => x.container === container && envOfNode(x.node) === env).map(instanceId);
  const relationships: DeploymentViewRelationship[] = [];
  const seen = new Set<string>();
  const link = (from: string, to: string, r: C4Relationship): void => {
    const key = `${from}\u0000${to}`;
    if (from === to || seen.has(key)) return;
    seen.add(key);
    relationships.push({
      from,
      to,
      label: mermaidText(r.label, MAX.label),
      technology: mermaidText(r.technology ?? '', MAX.technology),
    });
  };
  const infrastructure = new Map(d.infrastructure.filter((i) => drawn.has(i.node)).map((i) => [i.id, i]));
  for (const r of d.relationships) {
    const anchor = infrastructure.get(r.from) ?? infrastructure.get(r.to);
    if (!anchor) continue;
    const env = envOfNode(anchor.node);
    const endsOf = (id: string): string[] => (infrastructure.has(id) ? [id] : instancesIn(id, env));
    for (const from of endsOf(r.from)) for (const to of endsOf(r.to)) link(from, to, r);
  }
  // The model's flows at container level: a component's end is its container's.
  const containerOf = new Map(model.components.map((c) => [c.id, c.container]));
  const lift = (id: string): string | undefined => (containers.has(id) ? id : containerOf.get(id));
  for (const r of model.relationships) {
    const from = lift(r.from);
    const to = lift(r.to);
    if (from === undefined || to === undefined || from === to) continue;
    for (const env of environments) {
      for (const a of instancesIn(from, env)) for (const b of instancesIn(to, env)) link(a, b, r);
    }
  }
  return { key: 'deployment', kind: 'deployment', title: deploymentTitle(model), elements, boundaries, relationships };
}

function elementLine(e: DeploymentViewElement): string {
  const macro = e.shape === 'database' ? 'ContainerDb' : e.shape === 'queue' ? 'ContainerQueue' : 'Container';
  const args = [e.name, e.technology, e.description].map((a) => `"${a}"`);
  while (args.length > 1 && args[args.length - 1] === '""') args.pop();
  // The tag tells our renderer (and a reader of the file) that this is infrastructure, not a container.
  if (e.kind === 'infrastructure') args.push(INFRASTRUCTURE_TAG);
  return `${macro}(${mermaidId(e.id)}, ${args.join(', ')})`;
}

/** Mermaid `C4Deployment` text of the view: environments and nodes as nested `Deployment_Node`s. */
export function deploymentMermaid(view: DeploymentViewData): string {
  const lines = ['C4Deployment', `  title ${view.title}`];
  const children = (parent: string | undefined): DeploymentViewBoundary[] =>
    view.boundaries.filter((b) => b.parent === parent);
  const emit = (b: DeploymentViewBoundary, depth: number, path: Set<string>): void => {
    const pad = '  '.repeat(depth);
    lines.push(`${pad}Deployment_Node(${mermaidId(b.id)}, "${b.name}", "${b.technology}") {`);
    for (const e of view.elements.filter((x) => x.boundary === b.id)) lines.push(`${pad}  ${elementLine(e)}`);
    // Nesting was checked, but a hand-edited file may still hold a cycle: never descend twice.
    for (const c of children(b.id)) if (!path.has(c.id)) emit(c, depth + 1, new Set([...path, c.id]));
    lines.push(`${pad}}`);
  };
  for (const top of children(undefined)) emit(top, 1, new Set([top.id]));
  for (const r of view.relationships) {
    const args = [r.label, r.technology].map((a) => `"${a}"`);
    if (args[1] === '""') args.pop();
    lines.push(`  Rel(${mermaidId(r.from)}, ${mermaidId(r.to)}, ${args.join(', ')})`);
  }
  return lines.join('\n') + '\n';
}

/** The deployment view's content as tables for the document: what runs where, and the infrastructure. */
export function deploymentTables(model: C4Model): string {
  const d = model.deployment;
  if (!d) return '';
  const nodes = new Map(d.nodes.map((n) => [n.id, n]));
  const envName = new Map(d.environments.map((e) => [e.id, e.name]));
  const containers = new Map(model.containers.map((c) => [c.id, c]));
  const where = (node: string): [string, string] => {
    const n = nodes.get(node);
    return [envName.get(n?.environment ?? '') ?? n?.environment ?? '', n ? `${n.name} (\`${n.id}\`)` : `\`${node}\``];
  };
  const placed = renderTable(
    ['Environment', 'Node', 'Container', 'Instances', 'Size'],
    d.deployments.map((x) => [
      ...where(x.node),
      `${containers.get(x.container)?.name ?? x.container} (\`${x.container}\`)`,
      x.instances,
      x.size,
    ]),
  );
  if (d.infrastructure.length === 0) return placed;
  const infra = renderTable(
    ['Environment', 'Node', 'Infrastructure', 'Kind', 'Technology'],
    d.infrastructure.map((i) => [...where(i.node), `${i.name} (\`${i.id}\`)`, i.kind, i.technology]),
  );
  return `${placed}\n\n${infra}`;
}
