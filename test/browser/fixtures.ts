/**
 * Inputs for the browser test: a C4 model of 100+ elements, hostile edits to a real bundle, and the
 * `state` message built from an output folder exactly as the extension builds it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadBundle } from '../../src/core/bundle';
import { readWorkflowView } from '../../src/core/engine';
import { mergeLevel1, mergeLevel23 } from '../../src/core/c4/merge';
import { parseC4Json } from '../../src/core/c4/parse';
import { type C4Model, type C4Relationship, EMPTY_C4 } from '../../src/core/model';
import { sharedFolder } from '../helpers/shared';
import { ArtifactStore } from '../../src/core/store';
import { buildStateMessage } from '../../src/vscode/preview/state';
import type { HostToWebview, PreviewState } from '../../src/shared/protocol';

/** The `state` message for an output folder, built by the same code the extension runs. */
export async function stateFor(
  outputDir: string,
  outputLabel = 'docs/architecture',
): Promise<HostToWebview & { type: 'state' }> {
  const bundle = await loadBundle(new ArtifactStore(outputDir));
  const view = await readWorkflowView(outputDir);
  const message = buildStateMessage({ bundle, view, outputLabel });
  if (message.type !== 'state') throw new Error('expected a state message');
  return message;
}

/** The state inside a state message. */
export function stateOf(message: HostToWebview): PreviewState {
  if (message.type !== 'state') throw new Error('expected a state message');
  return message.state;
}

const SERVICES = [
  'Order',
  'Catalog',
  'Payment',
  'Customer',
  'Inventory',
  'Shipping',
  'Notification',
  'Search',
] as const;
const COMPONENT_ROLES = [
  'API Controller',
  'Command Handler',
  'Query Handler',
  'Domain Model',
  'Repository',
  'Event Publisher',
  'Event Consumer',
  'Validator',
  'Cache Adapter',
  'Audit Logger',
  'Policy Engine',
  'Metrics Exporter',
] as const;

/**
 * A shop with 3 people, 5 systems, 14 containers and 96 components (118 elements) and ~250
 * relationships: big enough to show how the panel copes with a large design.
 */
export function largeModel(): C4Model {
  const lower = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
  const model: C4Model = {
    people: [
      { id: 'customer', name: 'Customer', description: 'Buys products online.', external: true },
      { id: 'merchant', name: 'Merchant', description: 'Manages the catalogue and orders.', external: true },
      { id: 'supportAgent', name: 'Support Agent', description: 'Helps customers with their orders.', external: true },
    ],
    systems: [
      { id: 'shop', name: 'Web Shop', description: 'Sells products online (FR-1, NFR-1).', external: false },
      { id: 'payments', name: 'Payment Provider', description: 'Takes card payments.', external: true },
      { id: 'mail', name: 'E-mail Service', description: 'Delivers transactional e-mail.', external: true },
      { id: 'erp', name: 'ERP', description: 'Books revenue and stock.', external: true },
      { id: 'carrier', name: 'Carrier API', description: 'Ships parcels.', external: true },
    ],
    containers: [
      {
        id: 'webApp',
        system: 'shop',
        name: 'Web App',
        technology: 'React',
        description: 'The storefront SPA.',
        kind: 'webapp',
      },
      {
        id: 'adminApp',
        system: 'shop',
        name: 'Admin App',
        technology: 'React',
        description: 'Back office.',
        kind: 'webapp',
      },
      {
        id: 'gateway',
        system: 'shop',
        name: 'API Gateway',
        technology: 'Envoy',
        description: 'Routes and rate-limits API calls.',
        kind: 'service',
      },
      ...SERVICES.map((s) => ({
        id: `${lower(s)}Service`,
        system: 'shop',
        name: `${s} Service`,
        technology: 'Kotlin, Spring Boot',
        description: `Owns ${s.toLowerCase()} data and rules.`,
        kind: 'service' as const,
      })),
      {
        id: 'mainDb',
        system: 'shop',
        name: 'Main Database',
        technology: 'PostgreSQL 16',
        description: 'Orders, customers, catalogue.',
        kind: 'database',
      },
      {
        id: 'eventBus',
        system: 'shop',
        name: 'Event Bus',
        technology: 'Kafka',
        description: 'Domain events between services.',
        kind: 'queue',
      },
      {
        id: 'cache',
        system: 'shop',
        name: 'Cache',
        technology: 'Redis',
        description: 'Sessions and hot reads.',
        kind: 'cache',
      },
    ],
    components: [],
    relationships: [],
  };
  const rels: C4Relationship[] = [
    { from: 'customer', to: 'webApp', label: 'Browses and orders', technology: 'HTTPS' },
    { from: 'merchant', to: 'adminApp', label: 'Manages the shop', technology: 'HTTPS' },
    { from: 'supportAgent', to: 'adminApp', label: 'Looks up orders', technology: 'HTTPS' },
    { from: 'webApp', to: 'gateway', label: 'Calls', technology: 'JSON/HTTPS' },
    { from: 'adminApp', to: 'gateway', label: 'Calls', technology: 'JSON/HTTPS' },
  ];
  for (const s of SERVICES) {
    const service = `${lower(s)}Service`;
    rels.push({ from: 'gateway', to: service, label: `Routes ${s.toLowerCase()} requests`, technology: 'gRPC' });
    rels.push({ from: service, to: 'mainDb', label: 'Reads and writes', technology: 'SQL' });
    rels.push({ from: service, to: 'eventBus', label: 'Publishes events', technology: 'Kafka' });
    const ids: string[] = [];
    for (const role of COMPONENT_ROLES) {
      const id = `${lower(s)}${role.replace(/\s+/g, '')}`;
      ids.push(id);
      model.components.push({
        id,
        container: service,
        name: `${s} ${role}`,
        technology: 'Kotlin',
        description: `${role} of the ${s.toLowerCase()} service.`,
      });
    }
    // Controller → handlers → model → repository, plus the adapters.
    const [
      controller,
      command,
      query,
      domain,
      repo,
      publisher,
      consumer,
      validator,
      cacheAdapter,
      audit,
      policy,
      metrics,
    ] = ids;
    rels.push(
      { from: controller, to: command, label: 'Dispatches commands' },
      { from: controller, to: query, label: 'Runs queries' },
      { from: controller, to: validator, label: 'Validates input' },
      { from: command, to: domain, label: 'Changes state' },
      { from: command, to: policy, label: 'Checks rules' },
      { from: query, to: cacheAdapter, label: 'Reads through' },
      { from: domain, to: repo, label: 'Persists' },
      { from: domain, to: publisher, label: 'Raises events' },
      { from: consumer, to: command, label: 'Triggers' },
      { from: command, to: audit, label: 'Records' },
      { from: controller, to: metrics, label: 'Reports' },
      { from: repo, to: 'mainDb', label: 'SQL', technology: 'JDBC' },
      { from: publisher, to: 'eventBus', label: 'Publishes', technology: 'Kafka' },
      { from: 'eventBus', to: consumer, label: 'Delivers', technology: 'Kafka' },
      { from: cacheAdapter, to: 'cache', label: 'Caches', technology: 'RESP' },
      { from: 'gateway', to: controller, label: 'Routes', technology: 'gRPC' },
    );
  }
  rels.push(
    { from: 'paymentService', to: 'payments', label: 'Charges cards', technology: 'HTTPS' },
    { from: 'notificationService', to: 'mail', label: 'Sends e-mail', technology: 'SMTP' },
    { from: 'orderService', to: 'erp', label: 'Books orders', technology: 'SOAP' },
    { from: 'shippingService', to: 'carrier', label: 'Books parcels', technology: 'REST' },
  );
  model.relationships = rels;
  return model;
}

/**
 * The large model with all its components in one container (the order service): a component view of
 * 100+ elements, bigger than a view should be, to show how the panel copes (legible at 100 %, with pan).
 */
export function hugeViewModel(): C4Model {
  const model = largeModel();
  model.components = model.components.map((c) => ({ ...c, container: 'orderService' }));
  return model;
}

/** The number of elements of a model. */
export function elementCount(model: C4Model): number {
  return model.people.length + model.systems.length + model.containers.length + model.components.length;
}

/** Writes a model as the only file of a fresh output folder. */
export async function writeModelOnly(outputDir: string, model: C4Model): Promise<void> {
  await fs.mkdir(path.join(outputDir, 'diagrams'), { recursive: true });
  await fs.writeFile(path.join(outputDir, 'diagrams', 'c4-model.json'), JSON.stringify(model, null, 2));
}

/** Markdown a model could write to attack the panel. */
export const HOSTILE_MARKDOWN = `

## Hostile content (test)

<script>window.__pwned = 1</script>

<img src="http://127.0.0.1:1/raw-html.png" onerror="window.__pwned = 2">

[click me](javascript:alert(1)) · [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) · [vbscript](vbscript:msgbox(1))

[command link](command:workbench.action.terminal.new) · [absolute](/etc/passwd) · [climb out](../../../etc/passwd.md) · [file](file:///etc/passwd)

![tracker](http://127.0.0.1:1/x.png) ![remote](https://example.com/logo.png) ![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+)

<a href="https://example.com">raw anchor</a> <iframe src="https://example.com"></iframe> <style>body { display: none }</style>

Autolink <https://example.com/auto> and bare https://example.com/bare and [relative](02-high-level-architecture.md#summary).

\`\`\`mermaid
%%{init: {"securityLevel": "loose", "startOnLoad": true}}%%
flowchart LR
  A["<img src=x onerror=window.__pwned=3>"] --> B["Benign"]
  click A call alert(1)
  click B "javascript:alert(1)"
\`\`\`
`;

/** Labels crafted to break out of Mermaid C4 statements, enable interaction or load remote content. */
export const HOSTILE_LABELS = {
  name: 'Evil"); click customer call alert(1) %%{init: {"securityLevel":"loose"}}%%',
  description:
    '<img src="http://127.0.0.1:1/d.png" onerror="window.__pwned=4"> <script>window.__pwned=5</script> `x` #quot;',
  technology: 'javascript:alert(1); }%%',
  relationship:
    '"); Rel(a, b, "x") %%{init: {"theme":"base","themeCSS":"body{background:url(http://127.0.0.1:1/css.png)}"}}%%',
};

/** Makes a real bundle hostile: model labels, a step document and ARCHITECTURE.md. */
export async function makeHostile(outputDir: string): Promise<void> {
  const modelFile = path.join(outputDir, 'diagrams', 'c4-model.json');
  const model = JSON.parse(await fs.readFile(modelFile, 'utf8')) as C4Model;
  const person = model.people[0];
  person.name = HOSTILE_LABELS.name;
  person.description = HOSTILE_LABELS.description;
  const container = model.containers[0];
  container.technology = HOSTILE_LABELS.technology;
  container.description = HOSTILE_LABELS.description;
  if (model.relationships[0]) model.relationships[0].label = HOSTILE_LABELS.relationship;
  await fs.writeFile(modelFile, JSON.stringify(model, null, 2));
  for (const doc of ['03-service-architecture.md', 'ARCHITECTURE.md']) {
    await fs.appendFile(path.join(outputDir, doc), HOSTILE_MARKDOWN);
  }
}

/** The real model's answers (../shared/corpus), present beside the repository here and in CI. */
export const CORPUS = sharedFolder('corpus');
export const CORPUS_ANSWERS = path.join(CORPUS.dir, 'saas-activation', 'answers');

/**
 * The C4 model a real Claude model wrote for a real PRD: the ```archflow-c4 blocks of its step 2 and
 * step 3 answers, merged by the same code the engine uses. Undefined when the corpus is not there.
 */
export async function corpusModel(): Promise<C4Model | undefined> {
  if (!CORPUS.present) return undefined;
  const block = async (file: string): Promise<string> => {
    const text = await fs.readFile(path.join(CORPUS_ANSWERS, file), 'utf8');
    const m = /```archflow-c4\n([\s\S]*?)\n```/.exec(text);
    if (!m) throw new Error(`${file} has no archflow-c4 block`);
    return m[1];
  };
  const level1 = parseC4Json(await block('step-2.md'));
  const levels23 = parseC4Json(await block('step-3.md'));
  return mergeLevel23(mergeLevel1(EMPTY_C4, level1.model), levels23.model).model;
}
