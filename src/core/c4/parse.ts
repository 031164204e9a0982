/** Parses and validates the JSON of an `archflow-c4` block (model output: untrusted, checked field by field). */
import {
  CONTAINER_KINDS,
  type C4Component,
  type C4Container,
  type C4Model,
  type C4Person,
  type C4Relationship,
  type C4System,
  type ContainerKind,
} from '../model';
import { capErrors, FieldReader, isRecord, parseBlockJson, readAssumption, show } from './jsonBlock';

/** Element ids: a letter, then letters, digits or underscores (they become Mermaid aliases and file names). */
export const C4_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/** What a block yields: the elements that passed validation, and one sentence per problem. */
export interface C4ParseResult {
  model: Partial<C4Model>;
  errors: string[];
}

/**
 * Common spellings models use for container kinds, keyed by the lowercase word without spaces,
 * hyphens or underscores. Case and separators are tolerated ("Web App" is `webapp`); anything that
 * is neither a kind nor listed here is an error, so the repair round can fix it.
 */
const KIND_ALIASES: Readonly<Record<string, ContainerKind>> = {
  webapplication: 'webapp',
  web: 'webapp',
  spa: 'webapp',
  frontend: 'webapp',
  mobileapp: 'mobile',
  api: 'service',
  microservice: 'service',
  backend: 'service',
  worker: 'service',
  db: 'database',
  datastore: 'database',
  rdbms: 'database',
  messagequeue: 'queue',
  messagebroker: 'queue',
  broker: 'queue',
  eventbus: 'queue',
  topic: 'queue',
  objectstorage: 'storage',
  objectstore: 'storage',
  blobstorage: 'storage',
  bucket: 'storage',
  filestorage: 'storage',
  lambda: 'function',
  serverless: 'function',
  serverlessfunction: 'function',
};

/** The container kind a model wrote, tolerating case, separators and common synonyms; undefined if unknown. */
export function normalizeContainerKind(value: string): ContainerKind | undefined {
  const key = value.toLowerCase().replace(/[\s_-]+/g, '');
  return (CONTAINER_KINDS as readonly string[]).includes(key) ? (key as ContainerKind) : KIND_ALIASES[key];
}

/** Parses the text of an `archflow-c4` block; invalid elements are left out and described in `errors`. */
export function parseC4Json(text: string): C4ParseResult {
  const parsed = parseBlockJson(text, 'archflow-c4');
  if (parsed.error !== undefined) return { model: {}, errors: [parsed.error] };
  if (!isRecord(parsed.value)) {
    return {
      model: {},
      errors: [
        'The archflow-c4 block must contain one JSON object such as {"people": [], "systems": [], "relationships": []}.',
      ],
    };
  }
  const root = parsed.value;
  const errors: string[] = [];
  const model: Partial<C4Model> = {};
  const people = readArray(root, 'people', errors);
  if (people) model.people = collect(people, 'person', errors, parsePerson);
  const systems = readArray(root, 'systems', errors);
  if (systems) model.systems = collect(systems, 'system', errors, parseSystem);
  const containers = readArray(root, 'containers', errors);
  if (containers) model.containers = collect(containers, 'container', errors, parseContainer);
  const components = readArray(root, 'components', errors);
  if (components) model.components = collect(components, 'component', errors, parseComponent);
  const relationships = readArray(root, 'relationships', errors);
  if (relationships) model.relationships = collect(relationships, 'relationship', errors, parseRelationship);
  return { model, errors: capErrors(errors) };
}

/** The array under `field`; a missing (or null) array is fine, anything else is an error. */
export function readArray(root: Record<string, unknown>, field: string, errors: string[]): unknown[] | undefined {
  const value = root[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    errors.push(`"${field}" must be an array of objects, not ${show(value)}.`);
    return undefined;
  }
  return value;
}

/** Validates every entry with `parse`, keeping those without errors. */
export function collect<T>(
  items: unknown[],
  what: string,
  errors: string[],
  parse: (fields: FieldReader) => T | undefined,
): T[] {
  const out: T[] = [];
  items.forEach((item, i) => {
    if (!isRecord(item)) {
      errors.push(`${what} #${i + 1} must be a JSON object, not ${show(item)}.`);
      return;
    }
    const fields = new FieldReader(item, `${what} #${i + 1}`, errors);
    const value = parse(fields);
    if (value !== undefined && fields.ok) out.push(value);
  });
  return out;
}

/** The element's id, validated; names the element in later errors (e.g. `container "orderDb"`). */
function readId(f: FieldReader, what: string): string | undefined {
  const id = f.string('id');
  if (id === undefined) return undefined;
  if (!C4_ID_PATTERN.test(id)) {
    return f.fail(
      `id ${show(id)} is not valid; use letters, digits and underscores, starting with a letter (e.g. "orderDb").`,
    );
  }
  f.rename(`${what} "${id}"`);
  return id;
}

function parsePerson(f: FieldReader): C4Person | undefined {
  const id = readId(f, 'person');
  const name = f.string('name');
  const description = f.optionalString('description');
  // A person without "external" is an ordinary user (Person, not Person_Ext): a safe default.
  const external = f.boolean('external', false);
  if (id === undefined || name === undefined || external === undefined) return undefined;
  return { id, name, description, external };
}

function parseSystem(f: FieldReader): C4System | undefined {
  const id = readId(f, 'system');
  const name = f.string('name');
  const description = f.optionalString('description');
  // Required: guessing would silently move a third-party system into scope or out of it.
  const external = f.boolean('external');
  if (id === undefined || name === undefined || external === undefined) return undefined;
  return { id, name, description, external };
}

function parseContainer(f: FieldReader): C4Container | undefined {
  const id = readId(f, 'container');
  const system = f.string('system');
  const name = f.string('name');
  const technology = f.optionalString('technology');
  const description = f.optionalString('description');
  let kind: ContainerKind | undefined = 'other';
  const rawKind = f.raw('kind');
  if (rawKind !== undefined && rawKind !== null) {
    kind = typeof rawKind === 'string' ? normalizeContainerKind(rawKind) : undefined;
    if (kind === undefined) f.fail(`"kind" ${show(rawKind)} is not one of ${CONTAINER_KINDS.join(', ')}.`);
  }
  const assumption = readAssumption(f);
  if (id === undefined || system === undefined || name === undefined || kind === undefined) return undefined;
  return assumption
    ? { id, system, name, technology, description, kind, assumption }
    : { id, system, name, technology, description, kind };
}

function parseComponent(f: FieldReader): C4Component | undefined {
  const id = readId(f, 'component');
  const container = f.string('container');
  const name = f.string('name');
  const technology = f.optionalString('technology');
  const description = f.optionalString('description');
  if (id === undefined || container === undefined || name === undefined) return undefined;
  return { id, container, name, technology, description };
}

function parseRelationship(f: FieldReader): C4Relationship | undefined {
  const [rawFrom, rawTo] = [f.raw('from'), f.raw('to')];
  if (typeof rawFrom === 'string' && typeof rawTo === 'string') {
    f.append(`(${show(rawFrom, 30)} → ${show(rawTo, 30)})`);
  }
  const from = f.string('from');
  const to = f.string('to');
  const label = f.string('label');
  const technology = f.optionalString('technology');
  if (from === undefined || to === undefined || label === undefined) return undefined;
  return technology ? { from, to, label, technology } : { from, to, label };
}
