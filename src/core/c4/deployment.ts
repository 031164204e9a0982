/**
 * The deployment view of the C4 model (the infrastructure design's `archflow-deployment` block and
 * the `deployment` part of c4-model.json): parsed field by field, and checked against the model.
 */
import {
  type C4ContainerInstance,
  type C4Deployment,
  type C4DeploymentNode,
  type C4Environment,
  type C4Infrastructure,
  type C4Model,
  type C4Relationship,
  INFRASTRUCTURE_KINDS,
  type InfrastructureKind,
} from '../model';
import { capErrors, FieldReader, isRecord, parseBlockJson, readAssumption, show } from './jsonBlock';
import { C4_ID_PATTERN, collect, readArray } from './parse';

function readId(f: FieldReader, what: string): string | undefined {
  const id = f.string('id');
  if (id === undefined) return undefined;
  if (!C4_ID_PATTERN.test(id))
    return f.fail(`id ${show(id)} is not valid; use letters and digits, starting with a letter.`);
  f.rename(`${what} "${id}"`);
  return id;
}

function withAssumption<T extends object>(value: T, assumption: string | undefined): T & { assumption?: string } {
  return assumption ? { ...value, assumption } : value;
}

function parseEnvironment(f: FieldReader): C4Environment | undefined {
  const id = readId(f, 'environment');
  const name = f.string('name');
  const description = f.optionalString('description');
  return id && name ? { id, name, description } : undefined;
}

function parseNode(f: FieldReader): C4DeploymentNode | undefined {
  const id = readId(f, 'node');
  const environment = f.string('environment');
  const rawParent = f.raw('parent');
  const parent = rawParent === undefined || rawParent === null || rawParent === '' ? null : f.string('parent');
  const name = f.string('name');
  const technology = f.optionalString('technology');
  const description = f.optionalString('description');
  const assumption = readAssumption(f);
  if (!id || !environment || !name || parent === undefined) return undefined;
  return withAssumption({ id, environment, parent, name, technology, description }, assumption);
}

function parseInfrastructure(f: FieldReader): C4Infrastructure | undefined {
  const id = readId(f, 'infrastructure');
  const node = f.string('node');
  const name = f.string('name');
  const technology = f.optionalString('technology');
  const description = f.optionalString('description');
  const rawKind = f.optionalString('kind') || 'other';
  const kind = INFRASTRUCTURE_KINDS.find((k) => k.toLowerCase() === rawKind.toLowerCase().replace(/[\s_-]+/g, ''));
  if (kind === undefined) f.fail(`"kind" ${show(rawKind)} is not one of ${INFRASTRUCTURE_KINDS.join(', ')}.`);
  const assumption = readAssumption(f);
  if (!id || !node || !name || kind === undefined) return undefined;
  return withAssumption({ id, node, kind: kind as InfrastructureKind, name, technology, description }, assumption);
}

function parseInstance(f: FieldReader): C4ContainerInstance | undefined {
  const container = f.string('container');
  const node = f.string('node');
  if (container && node) f.rename(`deployment of "${container}" on "${node}"`);
  const instances = f.optionalString('instances');
  const size = f.optionalString('size');
  return container && node ? { container, node, instances, size } : undefined;
}

function parseRelationship(f: FieldReader): C4Relationship | undefined {
  const from = f.string('from');
  const to = f.string('to');
  if (from && to) f.rename(`relationship "${from}" → "${to}"`);
  const label = f.string('label');
  const technology = f.optionalString('technology');
  if (!from || !to || !label) return undefined;
  return technology ? { from, to, label, technology } : { from, to, label };
}

/** Reads a deployment object (from the block or from c4-model.json); invalid entries are left out and described. */
export function readDeployment(value: unknown): { deployment?: C4Deployment; errors: string[] } {
  if (!isRecord(value)) {
    return { errors: ['The deployment view must be one JSON object with "environments", "nodes" and "deployments".'] };
  }
  const errors: string[] = [];
  const deployment: C4Deployment = {
    environments: collect(readArray(value, 'environments', errors) ?? [], 'environment', errors, parseEnvironment),
    nodes: collect(readArray(value, 'nodes', errors) ?? [], 'node', errors, parseNode),
    infrastructure: collect(
      readArray(value, 'infrastructure', errors) ?? [],
      'infrastructure',
      errors,
      parseInfrastructure,
    ),
    deployments: collect(readArray(value, 'deployments', errors) ?? [], 'deployment', errors, parseInstance),
    relationships: collect(readArray(value, 'relationships', errors) ?? [], 'relationship', errors, parseRelationship),
  };
  return { deployment, errors: capErrors(errors) };
}

/** Parses the text of an `archflow-deployment` block. */
export function parseDeploymentJson(text: string): { deployment?: C4Deployment; errors: string[] } {
  const parsed = parseBlockJson(text, 'archflow-deployment');
  if (parsed.error !== undefined) return { errors: [parsed.error] };
  return readDeployment(parsed.value);
}

/** The rule a deployment issue breaks. */
export type DeploymentRule =
  | 'no-environment'
  | 'duplicate-id'
  | 'node-environment'
  | 'node-nesting'
  | 'infrastructure-node'
  | 'instance-container'
  | 'instance-node'
  | 'undeployed-container'
  | 'relationship-ends';

/** One broken rule of the deployment view: which element and a sentence for users and the model. */
export interface DeploymentIssue {
  rule: DeploymentRule;
  element: string;
  message: string;
}

/**
 * The consistency rules of the deployment view: at least one environment; ids unique (also
 * against the model's elements); each node in a known environment, nested in a node of the same
 * environment without cycles; infrastructure on known nodes; instances of real containers on
 * real nodes; every container of level 2 deployed in every environment; flows between
 * infrastructure and elements of one environment.
 */
export function checkDeployment(model: C4Model): DeploymentIssue[] {
  const d = model.deployment;
  if (!d) return [];
  const issues: DeploymentIssue[] = [];
  const add = (rule: DeploymentRule, element: string, message: string): void => {
    issues.push({ rule, element, message });
  };
  if (d.environments.length === 0) {
    add('no-environment', 'deployment', 'The deployment view names no environment; list at least production.');
  }
  const modelIds = new Set([
    ...model.people.map((p) => p.id),
    ...model.systems.map((s) => s.id),
    ...model.containers.map((c) => c.id),
    ...model.components.map((c) => c.id),
  ]);
  const seen = new Set<string>();
  for (const [what, id] of [
    ...d.environments.map((e) => ['environment', e.id] as const),
    ...d.nodes.map((n) => ['node', n.id] as const),
    ...d.infrastructure.map((i) => ['infrastructure element', i.id] as const),
  ]) {
    if (seen.has(id) || modelIds.has(id)) {
      add('duplicate-id', id, `${what} "${id}": the id is already used in the model; every id must be unique.`);
    }
    seen.add(id);
  }
  const environments = new Set(d.environments.map((e) => e.id));
  const nodes = new Map(d.nodes.map((n) => [n.id, n]));
  for (const n of d.nodes) {
    if (!environments.has(n.environment)) {
      add(
        'node-environment',
        n.id,
        `node "${n.id}" is in "${n.environment}", which is not an environment of the view.`,
      );
    }
    if (n.parent === null) continue;
    const parent = nodes.get(n.parent);
    if (!parent) add('node-nesting', n.id, `node "${n.id}" is inside "${n.parent}", which is not a node.`);
    else if (parent.environment !== n.environment) {
      add(
        'node-nesting',
        n.id,
        `node "${n.id}" (${n.environment}) is inside "${n.parent}" of another environment (${parent.environment}).`,
      );
    }
  }
  for (const n of d.nodes) {
    // Walk up the parents: a cycle never reaches the top of its environment.
    const path = new Set<string>([n.id]);
    for (let p = nodes.get(n.id)?.parent ?? null; p !== null; p = nodes.get(p)?.parent ?? null) {
      if (path.has(p)) {
        add('node-nesting', n.id, `node "${n.id}" is nested inside itself (through "${p}").`);
        break;
      }
      path.add(p);
      if (!nodes.has(p)) break;
    }
  }
  for (const i of d.infrastructure) {
    if (!nodes.has(i.node))
      add('infrastructure-node', i.id, `infrastructure "${i.id}" sits on "${i.node}", which is not a node.`);
  }
  const containers = new Set(model.containers.map((c) => c.id));
  const deployedIn = new Map<string, Set<string>>();
  for (const x of d.deployments) {
    const where = `deployment of "${x.container}" on "${x.node}"`;
    if (!containers.has(x.container)) {
      add('instance-container', x.container, `${where}: "${x.container}" is not a container of level 2.`);
    }
    const node = nodes.get(x.node);
    if (!node) {
      add('instance-node', x.container, `${where}: "${x.node}" is not a node.`);
      continue;
    }
    deployedIn.set(x.container, (deployedIn.get(x.container) ?? new Set()).add(node.environment));
  }
  for (const c of model.containers) {
    for (const e of d.environments) {
      if (!deployedIn.get(c.id)?.has(e.id)) {
        add(
          'undeployed-container',
          c.id,
          `container "${c.id}" runs on no node of environment "${e.id}"; deploy it there.`,
        );
      }
    }
  }
  const infrastructure = new Map(d.infrastructure.map((i) => [i.id, i]));
  for (const r of d.relationships) {
    const ends = [r.from, r.to];
    const unknown = ends.filter((id) => !infrastructure.has(id) && !containers.has(id));
    const where = `relationship "${r.from}" → "${r.to}" ("${r.label}")`;
    if (unknown.length) {
      add(
        'relationship-ends',
        `${r.from}->${r.to}`,
        `${where}: ${unknown.map((id) => `"${id}"`).join(' and ')} is not an infrastructure element or a container.`,
      );
    } else if (!ends.some((id) => infrastructure.has(id))) {
      add(
        'relationship-ends',
        `${r.from}->${r.to}`,
        `${where}: flows between containers come from the model; give the deployment view only flows with an infrastructure end.`,
      );
    } else {
      // A container end is its instance in the infrastructure's environment: it must run there.
      const env = nodes.get(infrastructure.get(ends.find((id) => infrastructure.has(id))!)!.node)?.environment;
      for (const id of ends.filter((x) => containers.has(x))) {
        if (env !== undefined && !deployedIn.get(id)?.has(env)) {
          add('relationship-ends', `${r.from}->${r.to}`, `${where}: "${id}" runs on no node of environment "${env}".`);
        }
      }
    }
  }
  return issues;
}
