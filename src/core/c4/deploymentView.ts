/**
 * The deployment views as data, one per environment (nested nodes as boundaries, container instances
 * and infrastructure as elements, flows lifted to the instances), and as Mermaid `C4Deployment` text
 * for diagrams/c4-deployment-<environment>.mmd and section 9 of ARCHITECTURE.md. The shape follows
 * the other views' data (elements, boundaries with parents, relationships), so one renderer draws all.
 */
import { DEPLOYMENT_TABLE_HEADER, INFRASTRUCTURE_TABLE_HEADER } from './modelTables';
import type { C4ContainerInstance, C4Model, C4Relationship, ContainerKind, InfrastructureKind } from '../model';
import { renderTable } from '../markdown';
import { LAYOUT } from '../steps';
import { kebabId, mermaidId, mermaidText } from './mermaid';
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

/** A deployment node (nested through `parent`; the environment's top nodes have none). */
export interface DeploymentViewBoundary {
  id: string;
  kind: 'node';
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

/** Everything the deployment view of one environment draws. */
export interface DeploymentViewData {
  /** `deployment:<environment id>`. */
  key: string;
  kind: 'deployment';
  title: string;
  /** The environment's id. */
  environment: string;
  /** The environment's name ("Production"). */
  environmentName: string;
  /** Its view file, relative to the output folder: diagrams/c4-deployment-<kebab id>.mmd. */
  file: string;
  elements: DeploymentViewElement[];
  boundaries: DeploymentViewBoundary[];
  relationships: DeploymentViewRelationship[];
}

/** What each kind of infrastructure is called in a diagram, for people rather than for the schema. */
export const INFRASTRUCTURE_NAMES: Record<InfrastructureKind, string> = {
  cdn: 'CDN',
  dns: 'DNS',
  waf: 'WAF',
  loadBalancer: 'Load balancer',
  apiGateway: 'API gateway',
  firewall: 'Firewall',
  nat: 'NAT gateway',
  queueService: 'Queue',
  collector: 'Telemetry collector',
  secretStore: 'Secret store',
  other: 'Infrastructure',
};

/** The kind line of an infrastructure element: "Load balancer: AWS ALB", or the kind alone. */
export function infrastructureTechnology(kind: InfrastructureKind, technology: string): string {
  const name = INFRASTRUCTURE_NAMES[kind] ?? INFRASTRUCTURE_NAMES.other;
  if (!technology || technology.toLowerCase() === name.toLowerCase()) return name;
  return `${name}: ${technology}`;
}

/** The line above an environment's diagram in a document: its name in bold, Markdown made inert. */
export function deploymentHeading(view: Pick<DeploymentViewData, 'environmentName'>): string {
  return `**${view.environmentName.replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`)}**`;
}

/** The view file of an environment: `diagrams/c4-deployment-<kebab id>.mmd`. */
export function deploymentFile(environmentId: string): string {
  return `${LAYOUT.c4DeploymentPrefix}${kebabId(environmentId)}.mmd`;
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

/** The title of an environment's deployment view, e.g. "Deployment View — Web Shop — Production". */
export function deploymentTitle(model: C4Model, environmentName: string): string {
  const scope = model.systems
    .filter((s) => !s.external)
    .map((s) => s.name)
    .join(', ');
  const text = mermaidText([scope, environmentName].filter(Boolean).join(' — ').replace(/#/g, ' '), MAX.title);
  return text ? `Deployment View — ${text}` : 'Deployment View';
}

/**
 * The deployment views of the model, one per environment in the model's order; none when it has no
 * deployment section. An environment's top nodes are the view's top boundaries (the title names the
 * environment). Flows: each relationship of the model lifted to containers (a component's end becomes
 * its container) joins the instances of its ends in the environment; each infrastructure flow joins
 * the infrastructure element and the instances of a container end in that element's environment.
 * Ends that are not drawn are dropped. Two environment ids with the same kebab form get a suffix.
 */
export function deploymentViews(model: C4Model): DeploymentViewData[] {
  const d = model.deployment;
  if (!d) return [];
  const taken = new Set<string>();
  return d.environments.map((env) => {
    let file = deploymentFile(env.id);
    for (let n = 2; taken.has(file.toLowerCase()); n++) file = deploymentFile(env.id).replace(/\.mmd$/, `-${n}.mmd`);
    taken.add(file.toLowerCase());
    return environmentView(model, env.id, env.name, file);
  });
}

function environmentView(
  model: C4Model,
  environment: string,
  environmentName: string,
  file: string,
): DeploymentViewData {
  const d = model.deployment!;
  const containers = new Map(model.containers.map((c) => [c.id, c]));
  const nodes = new Map(d.nodes.filter((n) => n.environment === environment).map((n) => [n.id, n]));

  const boundaries: DeploymentViewBoundary[] = [];
  for (const n of nodes.values()) {
    const parent = n.parent !== null && nodes.has(n.parent) ? n.parent : undefined;
    boundaries.push({
      id: n.id,
      kind: 'node',
      name: mermaidText(n.name, MAX.name),
      technology: mermaidText(n.technology, MAX.technology),
      external: false,
      ...(parent !== undefined ? { parent } : {}),
      ...(n.assumption ? { assumption: n.assumption } : {}),
    });
  }

  const elements: DeploymentViewElement[] = [];
  const infrastructure = new Map(d.infrastructure.filter((i) => nodes.has(i.node)).map((i) => [i.id, i]));
  for (const i of infrastructure.values()) {
    elements.push({
      id: i.id,
      kind: 'infrastructure',
      shape: i.kind === 'queueService' ? 'queue' : 'box',
      name: mermaidText(i.name, MAX.name),
      technology: mermaidText(infrastructureTechnology(i.kind, i.technology), MAX.technology),
      description: mermaidText(i.description, MAX.description),
      external: false,
      boundary: i.node,
      ...(i.assumption ? { assumption: i.assumption } : {}),
    });
  }
  const instances = d.deployments.filter((x) => containers.has(x.container) && nodes.has(x.node));
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

  const instancesOf = (container: string): string[] =>
    instances.filter((x) => x.container === container).map(instanceId);
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
  for (const r of d.relationships) {
    if (!infrastructure.has(r.from) && !infrastructure.has(r.to)) continue;
    const endsOf = (id: string): string[] => (infrastructure.has(id) ? [id] : instancesOf(id));
    for (const from of endsOf(r.from)) for (const to of endsOf(r.to)) link(from, to, r);
  }
  // The model's flows at container level: a component's end is its container's.
  const containerOf = new Map(model.components.map((c) => [c.id, c.container]));
  const lift = (id: string): string | undefined => (containers.has(id) ? id : containerOf.get(id));
  for (const r of model.relationships) {
    const from = lift(r.from);
    const to = lift(r.to);
    if (from === undefined || to === undefined || from === to) continue;
    for (const a of instancesOf(from)) for (const b of instancesOf(to)) link(a, b, r);
  }
  return {
    key: `deployment:${environment}`,
    kind: 'deployment',
    title: deploymentTitle(model, mermaidText(environmentName, MAX.name)),
    environment,
    environmentName: mermaidText(environmentName, MAX.name),
    file,
    elements,
    boundaries,
    relationships,
  };
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
    DEPLOYMENT_TABLE_HEADER,
    d.deployments.map((x) => [
      ...where(x.node),
      `${containers.get(x.container)?.name ?? x.container} (\`${x.container}\`)`,
      x.instances,
      x.size,
    ]),
  );
  if (d.infrastructure.length === 0) return placed;
  const infra = renderTable(
    INFRASTRUCTURE_TABLE_HEADER,
    d.infrastructure.map((i) => [...where(i.node), `${i.name} (\`${i.id}\`)`, i.kind, i.technology]),
  );
  return `${placed}\n\n${infra}`;
}
