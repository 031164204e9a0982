/** The C4 deployment view: parsed, checked against the model, drawn as view data and Mermaid C4Deployment. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDeployment, parseDeploymentJson } from '../../src/core/c4/deployment';
import {
  deploymentFile,
  deploymentHeading,
  deploymentMermaid,
  deploymentTables,
  deploymentViews,
  instanceId,
} from '../../src/core/c4/deploymentView';
import { parseMermaidC4 } from '../../src/core/c4/mermaidParse';
import type { C4Deployment, C4Model } from '../../src/core/model';
import { refreshC4Blocks } from '../../src/core/assemble';
import { parseStepOutput, renderStepDocument } from '../../src/core/stepOutput';
import { ADDITIONS_SECTION, stepById } from '../../src/core/steps';

function model(deployment?: C4Deployment): C4Model {
  return {
    people: [{ id: 'customer', name: 'Customer', description: '', external: true }],
    systems: [{ id: 'shop', name: 'Web Shop', description: '', external: false }],
    containers: [
      { id: 'webApp', system: 'shop', name: 'Web App', technology: 'React 19', description: '', kind: 'webapp' },
      { id: 'shopApi', system: 'shop', name: 'Shop API', technology: 'Node.js 22', description: '', kind: 'service' },
      { id: 'shopDb', system: 'shop', name: 'Shop DB', technology: 'PostgreSQL 16', description: '', kind: 'database' },
    ],
    components: [{ id: 'orders', container: 'shopApi', name: 'Orders', technology: '', description: '' }],
    relationships: [
      { from: 'customer', to: 'webApp', label: 'Shops' },
      { from: 'webApp', to: 'shopApi', label: 'Calls', technology: 'HTTPS' },
      { from: 'orders', to: 'shopDb', label: 'Writes orders', technology: 'SQL' },
    ],
    ...(deployment ? { deployment } : {}),
  };
}

function deployment(): C4Deployment {
  const d: C4Deployment = {
    environments: [
      { id: 'production', name: 'Production', description: '' },
      { id: 'staging', name: 'Staging', description: '' },
    ],
    nodes: [],
    infrastructure: [],
    deployments: [],
    relationships: [],
  };
  for (const e of ['production', 'staging']) {
    d.nodes.push(
      {
        id: `${e}Region`,
        environment: e,
        parent: null,
        name: 'AWS eu-central-1',
        technology: 'AWS region',
        description: '',
      },
      {
        id: `${e}Cluster`,
        environment: e,
        parent: `${e}Region`,
        name: 'Cluster',
        technology: 'ECS Fargate',
        description: '',
      },
      {
        id: `${e}Browser`,
        environment: e,
        parent: null,
        name: "User's browser",
        technology: 'Browser',
        description: '',
      },
    );
    d.infrastructure.push({
      id: `${e}Lb`,
      node: `${e}Region`,
      kind: 'loadBalancer',
      name: 'Load balancer',
      technology: 'ALB',
      description: '',
    });
    d.relationships.push({ from: `${e}Lb`, to: 'shopApi', label: 'Routes', technology: 'HTTPS' });
    d.deployments.push(
      { container: 'webApp', node: `${e}Browser`, instances: '', size: '' },
      { container: 'shopApi', node: `${e}Cluster`, instances: '2–6', size: '1 vCPU' },
      { container: 'shopDb', node: `${e}Cluster`, instances: '1', size: '20 GB' },
    );
  }
  return d;
}

test('a consistent deployment view has no issues', () => {
  assert.deepEqual(checkDeployment(model(deployment())), []);
  assert.deepEqual(checkDeployment(model()), [], 'no view, nothing to check');
});

test('each consistency rule names the element that breaks it', () => {
  const cases: [string, (d: C4Deployment) => void, RegExp][] = [
    ['no environment', (d) => (d.environments = []), /names no environment/],
    ['an id the model uses', (d) => (d.nodes[0].id = 'shopApi'), /node "shopApi": the id is already used/],
    ['an unknown environment', (d) => (d.nodes[1].environment = 'qa'), /"qa", which is not an environment/],
    [
      'a parent in another environment',
      (d) => (d.nodes[1].parent = 'stagingRegion'),
      /inside "stagingRegion" of another environment/,
    ],
    ['a parent that is not a node', (d) => (d.nodes[1].parent = 'nowhere'), /inside "nowhere", which is not a node/],
    [
      'a cycle',
      (d) => {
        d.nodes[0].parent = 'productionCluster';
      },
      /nested inside itself/,
    ],
    ['infrastructure on no node', (d) => (d.infrastructure[0].node = 'void'), /sits on "void", which is not a node/],
    [
      'an instance of no container',
      (d) => d.deployments.push({ container: 'ghost', node: 'productionCluster', instances: '', size: '' }),
      /"ghost" is not a container of level 2/,
    ],
    ['an instance on no node', (d) => (d.deployments[1].node = 'void'), /"void" is not a node/],
    [
      'a container missing from an environment',
      (d) => d.deployments.splice(5, 1),
      /container "shopDb" runs on no node of environment "staging"/,
    ],
    [
      'a flow without infrastructure',
      (d) => d.relationships.push({ from: 'webApp', to: 'shopApi', label: 'x' }),
      /flows between containers come from the model/,
    ],
    [
      'a flow to nothing',
      (d) => d.relationships.push({ from: 'productionLb', to: 'ghost', label: 'x' }),
      /"ghost" is not an infrastructure element or a container/,
    ],
  ];
  for (const [name, change, message] of cases) {
    const d = deployment();
    change(d);
    const issues = checkDeployment(model(d));
    assert.ok(
      issues.some((i) => message.test(i.message)),
      `${name}: ${issues.map((i) => i.message).join(' | ')}`,
    );
  }
});

test('the block is parsed field by field, with errors that name the entry', () => {
  const ok = parseDeploymentJson(JSON.stringify(deployment()));
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.deployment, deployment());
  const bad = parseDeploymentJson(
    JSON.stringify({
      environments: [{ id: 'prod' }],
      nodes: [{ id: 'n 1', environment: 'prod', name: 'x' }],
      infrastructure: [{ id: 'lb', node: 'n', name: 'LB', kind: 'teleporter' }],
      deployments: [{ container: 'api' }],
    }),
  );
  assert.deepEqual(bad.errors, [
    'environment "prod": "name" is missing.',
    'node #1: id "n 1" is not valid; use letters and digits, starting with a letter.',
    'infrastructure "lb": "kind" "teleporter" is not one of cdn, dns, waf, loadBalancer, apiGateway, firewall, nat, queueService, collector, secretStore, other.',
    'deployment #1: "node" is missing.',
  ]);
});

test('one view per environment: its nodes nest, instances and infrastructure are placed, flows lifted to instances', () => {
  const views = deploymentViews(model(deployment()));
  assert.deepEqual(
    views.map((v) => [v.key, v.file, v.title, v.environmentName]),
    [
      [
        'deployment:production',
        'diagrams/c4-deployment-production.mmd',
        'Deployment View — Web Shop — Production',
        'Production',
      ],
      ['deployment:staging', 'diagrams/c4-deployment-staging.mmd', 'Deployment View — Web Shop — Staging', 'Staging'],
    ],
  );
  const view = views[0];
  const boundary = (id: string) => view.boundaries.find((b) => b.id === id);
  // The environment is the view (its title), so its top nodes are the view's top boundaries.
  assert.equal(boundary('production'), undefined);
  assert.equal(boundary('productionRegion')?.parent, undefined);
  assert.equal(boundary('productionCluster')?.parent, 'productionRegion');
  assert.ok(!view.boundaries.some((b) => b.id.startsWith('staging')));
  const api = instanceId({ container: 'shopApi', node: 'productionCluster' });
  assert.deepEqual(
    view.elements.find((e) => e.id === api),
    {
      id: api,
      kind: 'container',
      shape: 'box',
      name: 'Shop API',
      technology: 'Node.js 22',
      description: '2–6 × 1 vCPU',
      external: false,
      boundary: 'productionCluster',
      instanceOf: 'shopApi',
    },
  );
  // Infrastructure says what it is in words for people, before its technology.
  assert.equal(view.elements.find((e) => e.id === 'productionLb')?.technology, 'Load balancer: ALB');
  const flows = view.relationships.map((r) => `${r.from}>${r.to}:${r.label}`);
  assert.ok(flows.includes(`productionLb>${api}:Routes`), flows.join('\n'));
  assert.ok(!flows.some((f) => f.includes('staging')), flows.join('\n'));
  // The component's flow becomes its container's, in each environment's own view.
  const staging = views[1].relationships.map((r) => `${r.from}>${r.to}:${r.label}`);
  assert.ok(staging.includes('shopApi__stagingCluster>shopDb__stagingCluster:Writes orders'));
  assert.ok(!staging.some((f) => f.includes('production')));
  assert.deepEqual(deploymentViews(model()), []);
  assert.equal(deploymentFile('euWestProduction'), 'diagrams/c4-deployment-eu-west-production.mmd');
});

test('the Mermaid text is a C4Deployment with nested Deployment_Nodes, instances and flows, labels made safe', () => {
  const d = deployment();
  d.nodes[1].name = 'Cluster "A" {x}; %%{init}%%';
  const text = deploymentMermaid(deploymentViews(model(d))[0]);
  const lines = text.split('\n');
  assert.equal(lines[0], 'C4Deployment');
  assert.equal(lines[1], '  title Deployment View — Web Shop — Production');
  assert.doesNotMatch(text, /staging/);
  assert.match(text, /^ {2}Deployment_Node\(productionRegion, "AWS eu-central-1", "AWS region"\) \{$/m);
  assert.match(
    text,
    /^ {4}Container\(productionLb, "Load balancer", "Load balancer: ALB", \$tags="infrastructure"\)$/m,
  );
  assert.match(text, /^ {6}ContainerDb\(shopDb__productionCluster, "Shop DB", "PostgreSQL 16", "1 × 20 GB"\)$/m);
  assert.match(text, /^ {2}Rel\(productionLb, shopApi__productionCluster, "Routes", "HTTPS"\)$/m);
  assert.doesNotMatch(text, /%%|\{x\}|"A"/);
  const opens = lines.filter((l) => l.endsWith('{')).length;
  assert.equal(opens, lines.filter((l) => l.trim() === '}').length, 'every node closes');
  assert.match(
    deploymentTables(model(deployment())),
    /\| Staging \| Cluster \(`stagingCluster`\) \| Shop API \(`shopApi`\) \| 2–6 \| 1 vCPU \|/,
  );
});

test('the Mermaid text reads back as the same view (what the Markdown preview and the panel draw)', () => {
  const view = deploymentViews(model(deployment()))[1];
  const back = parseMermaidC4(deploymentMermaid(view));
  assert.ok(back, 'the C4Deployment text is ours to draw');
  assert.equal(back.kind, 'deployment');
  assert.equal(back.level, 4);
  assert.equal(back.title, view.title);
  assert.deepEqual(
    back.boundaries.map((b) => [b.id, b.kind, b.parent, b.technology]),
    // Mermaid writes children inside their parents, so the file's order is depth first.
    view.boundaries
      .map((b) => [b.id, b.kind, b.parent, b.technology])
      .sort(
        (x, y) => back.boundaries.findIndex((b) => b.id === x[0]) - back.boundaries.findIndex((b) => b.id === y[0]),
      ),
  );
  const kinds = (es: readonly { id: string; kind: string; boundary?: string }[]) =>
    es.map((e) => `${e.id}:${e.kind}@${e.boundary}`).sort();
  assert.deepEqual(kinds(back.elements), kinds(view.elements));
  assert.ok(
    back.elements.some((e) => e.kind === 'infrastructure'),
    'the tag marks infrastructure',
  );
  assert.deepEqual(
    back.relationships.map((r) => `${r.from}>${r.to}`),
    view.relationships.map((r) => `${r.from}>${r.to}`),
  );
});

test('the infrastructure step writes the view into the model, checked against its containers', () => {
  const base = model();
  const sections = (block: string) =>
    stepById(5)
      .sections.map((s) =>
        s === 'Deployment Architecture'
          ? `## ${s}\n\n\`\`\`archflow-deployment\n${block}\n\`\`\`\n\nPipeline.`
          : s === ADDITIONS_SECTION
            ? `## ${s}\n\n\`\`\`archflow-additions\n{}\n\`\`\``
            : `## ${s}\n\nText.`,
      )
      .join('\n\n');
  const r = parseStepOutput(5, `# Infrastructure\n\n${sections(JSON.stringify(deployment()))}\n`, { c4: base });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.parsed!.c4, { ...base, deployment: deployment() });
  const doc = renderStepDocument(r.parsed!);
  // One diagram per environment, each under the environment's name.
  assert.match(
    doc,
    /## Deployment Architecture\n\n\*\*Production\*\*\n\n```mermaid\nC4Deployment\n {2}title Deployment View — Web Shop — Production\n/,
  );
  assert.match(doc, /\*\*Staging\*\*\n\n```mermaid\nC4Deployment\n {2}title Deployment View — Web Shop — Staging\n/);
  assert.doesNotMatch(doc, /archflow-deployment/);
  const missing = deployment();
  missing.deployments = missing.deployments.filter((x) => x.container !== 'webApp');
  const bad = parseStepOutput(5, `# Infrastructure\n\n${sections(JSON.stringify(missing))}\n`, { c4: base });
  assert.match(bad.errors.join(' '), /container "webApp" runs on no node of environment "production"/);
  // A node resting on an assumption no document defines is refused, as a proposed container is.
  const proposed = deployment();
  proposed.nodes[0].assumption = 'A-501';
  const unproven = parseStepOutput(5, `# Infrastructure\n\n${sections(JSON.stringify(proposed))}\n`, { c4: base });
  assert.match(
    unproven.errors.join(' '),
    /node "productionRegion" rests on assumption "A-501", which no document defines/,
  );
});

test('a re-run of the service design keeps the deployment view until the infrastructure design runs again', () => {
  const before = model(deployment());
  const block = {
    containers: before.containers,
    components: before.components,
    relationships: before.relationships,
  };
  const sections = stepById(3)
    .sections.map((s) =>
      s === 'Container View'
        ? `## ${s}\n\n\`\`\`archflow-c4\n${JSON.stringify(block)}\n\`\`\``
        : s === ADDITIONS_SECTION
          ? `## ${s}\n\n\`\`\`archflow-additions\n{}\n\`\`\``
          : `## ${s}\n\nText.`,
    )
    .join('\n\n');
  const r = parseStepOutput(3, `# Service Architecture\n\n${sections}\n`, { c4: before });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.parsed!.c4!.deployment, deployment());
});

test('a document with the one deployment block of before gets a block per environment when refreshed', () => {
  const m = model(deployment());
  const old = 'Intro.\n\n```mermaid\nC4Deployment\n  title Deployment View — Web Shop\n```\n\nAfter.\n';
  const once = refreshC4Blocks(old, m);
  const titles = [...once.matchAll(/^ {2}title (.+)$/gm)].map((x) => x[1]);
  assert.deepEqual(titles, ['Deployment View — Web Shop — Production', 'Deployment View — Web Shop — Staging']);
  assert.match(once, /```\n\n\*\*Staging\*\*\n\n```mermaid\nC4Deployment\n/);
  assert.ok(once.startsWith('Intro.\n\n') && once.endsWith('\n\nAfter.\n'));
  // Refreshing again changes nothing: each block draws its own environment.
  assert.equal(refreshC4Blocks(once, m), once);
});

test("an environment's name above its diagram is inert Markdown", () => {
  assert.equal(deploymentHeading({ environmentName: 'Prod *EU* [1]' }), '**Prod \\*EU\\* \\[1\\]**');
});
