/** The C4 model the fake model designs: level 1 from the PRD's facts, levels 2 and 3 on a level-1 model. */
import {
  EMPTY_C4,
  type C4Component,
  type C4Container,
  type C4Model,
  type C4Person,
  type C4Relationship,
  type C4System,
} from '../../../src/core/model';
import { camelId, IdRegistry, type PrdFacts } from '../prd';
import { clipText, listText } from './markdown';

/** Levels 1-3 from the PRD alone, for steps that get no model in the request. */
export function withContainers(facts: PrdFacts): C4Model {
  const base = contextModel(facts);
  return mergeModels(base, containerModel(facts, base));
}

/** The elements and relationships of both models, `a` first. */
export function mergeModels(a: C4Model, b: Partial<C4Model>): C4Model {
  return {
    people: [...a.people, ...(b.people ?? [])],
    systems: [...a.systems, ...(b.systems ?? [])],
    containers: [...a.containers, ...(b.containers ?? [])],
    components: [...a.components, ...(b.components ?? [])],
    relationships: [...a.relationships, ...(b.relationships ?? [])],
  };
}

/** Level 1: people, the system under design and its external systems. */
export function contextModel(f: PrdFacts): C4Model {
  const reg = new IdRegistry();
  const people: C4Person[] = f.roles.map((role) => ({
    id: reg.take(camelId(role, 'person')),
    name: role,
    description: `${role} of ${f.product}`,
    external: true,
  }));
  const system: C4System = {
    id: reg.take(camelId(f.product, 'system', 3)),
    name: f.product,
    description: clipText(f.pitch, 140),
    external: false,
  };
  const externals: C4System[] = f.externals.map((x) => ({
    id: reg.take(camelId(x.name, 'external', 3)),
    name: x.name,
    description: x.description,
    external: true,
  }));
  const relationships: C4Relationship[] = [
    ...people.map((p, i) => ({
      from: p.id,
      to: system.id,
      label: i === 0 ? `Uses ${f.features[0].name}` : `Manages ${f.product}`,
      technology: 'HTTPS',
    })),
    ...externals.map((x, i) => ({
      from: system.id,
      to: x.id,
      label: f.externals[i].use,
      technology: f.externals[i].technology,
    })),
  ];
  return { people, systems: [system, ...externals], containers: [], components: [], relationships };
}

/**
 * Levels 2 and 3 of the design on a level-1 model. Only level-1 ids are reserved, so a re-run
 * of step 3 gives every container and component the same id as before.
 */
export function containerModel(f: PrdFacts, base: C4Model): C4Model {
  const reg = new IdRegistry([...base.people.map((p) => p.id), ...base.systems.map((s) => s.id)]);
  const system = base.systems.find((s) => !s.external) ?? base.systems[0];
  if (!system) return EMPTY_C4;
  const name = system.name;
  const roles = base.people.map((p) => p.name);
  const features = f.features;
  const containers: C4Container[] = [];
  const add = (c: Omit<C4Container, 'system'>): C4Container => {
    const full: C4Container = { ...c, system: system.id };
    containers.push(full);
    return full;
  };
  const web = add({
    id: reg.take('webApp'),
    name: `${name} Web App`,
    technology: pickTech(f, ['Next.js', 'React', 'Vue', 'Angular', 'Svelte'], 'TypeScript, React'),
    description: `Browser UI for ${listText(roles.length > 0 ? roles : f.roles)}`,
    kind: 'webapp',
  });
  const mobile = f.mentions.mobile
    ? add({
        id: reg.take('mobileApp'),
        name: `${name} Mobile App`,
        technology: 'React Native',
        description: 'Mobile and tablet client',
        kind: 'mobile',
      })
    : undefined;
  const api = add({
    id: reg.take('apiService'),
    name: `${name} API`,
    technology: pickTech(f, ['Node.js', 'Python', 'Go', 'Java'], 'Node.js 20, Fastify'),
    description: `Serves ${listText(features.slice(0, 3).map((x) => x.name))}`,
    kind: 'service',
  });
  const worker = add({
    id: reg.take('backgroundWorker'),
    name: 'Background Worker',
    technology: pickTech(f, ['Node.js', 'Python', 'Go', 'Java'], 'Node.js 20') + ', job consumer',
    description: 'Runs slow and scheduled work off the request path',
    kind: 'service',
  });
  const queue = add({
    id: reg.take('jobQueue'),
    name: 'Job Queue',
    technology: f.technologies.includes('Kafka') ? 'Kafka' : 'Redis 7 Streams',
    description: 'Durable queue between the API and the worker',
    kind: 'queue',
  });
  const cache =
    f.targets.latency || f.mentions.realtime
      ? add({
          id: reg.take('cache'),
          name: 'Cache',
          technology: 'Redis 7',
          description: 'Hot reads and sessions',
          kind: 'cache',
        })
      : undefined;
  const storage = f.mentions.files
    ? add({
        id: reg.take('objectStorage'),
        name: 'Object Storage',
        technology: 'S3-compatible object storage',
        description: 'Uploaded files and exports',
        kind: 'storage',
      })
    : undefined;
  const db = add({
    id: reg.take('mainDatabase'),
    name: `${name} Database`,
    technology: pickTech(f, ['PostgreSQL', 'MySQL', 'MongoDB'], 'PostgreSQL 16'),
    description: `System of record for ${listText(features.slice(0, 3).map((x) => x.name))}`,
    kind: 'database',
  });

  const components: C4Component[] = features.slice(0, 4).map((feat, i) => ({
    id: reg.take(`${camelId(feat.name, 'feature', 3)}Module`),
    container: api.id,
    name: `${feat.name} Module`,
    technology: 'TypeScript module',
    description: `Rules and API of ${feat.name} (FR-${i + 1})`,
  }));
  const consumer: C4Component = {
    id: reg.take('jobConsumer'),
    container: worker.id,
    name: 'Job Consumer',
    technology: 'TypeScript module',
    description: 'Takes jobs from the queue with retries and a dead-letter queue',
  };
  components.push(consumer);
  const extra = features[4];
  if (extra) {
    components.push({
      id: reg.take(`${camelId(extra.name, 'feature', 3)}Processor`),
      container: worker.id,
      name: `${extra.name} Processor`,
      technology: 'TypeScript module',
      description: `Background part of ${extra.name} (FR-5)`,
    });
  }
  const apiComponents = components.filter((c) => c.container === api.id);
  const rel: C4Relationship[] = [];
  for (const p of base.people) rel.push({ from: p.id, to: web.id, label: `Uses ${name}`, technology: 'HTTPS' });
  if (mobile && base.people[0])
    rel.push({ from: base.people[0].id, to: mobile.id, label: 'Uses on the go', technology: 'HTTPS' });
  rel.push({ from: web.id, to: api.id, label: 'Calls the API', technology: 'HTTPS/JSON' });
  if (mobile) rel.push({ from: mobile.id, to: api.id, label: 'Calls the API', technology: 'HTTPS/JSON' });
  for (const c of apiComponents)
    rel.push({
      from: c.id,
      to: db.id,
      label: `Reads and writes ${c.name.replace(/ Module$/, '')} data`,
      technology: 'SQL/TLS',
    });
  if (cache && apiComponents[0])
    rel.push({ from: apiComponents[0].id, to: cache.id, label: 'Caches hot reads', technology: 'RESP/TLS' });
  rel.push({ from: api.id, to: queue.id, label: 'Publishes jobs', technology: 'Redis Streams' });
  rel.push({ from: consumer.id, to: queue.id, label: 'Consumes jobs', technology: 'Redis Streams' });
  for (const c of components.filter((x) => x.container === worker.id)) {
    rel.push({ from: c.id, to: db.id, label: 'Records job results', technology: 'SQL/TLS' });
  }
  if (storage)
    rel.push({ from: api.id, to: storage.id, label: 'Stores and serves files', technology: 'HTTPS (S3 API)' });
  const externals = base.systems.filter((s) => s.external);
  externals.forEach((x, i) => {
    const from = i % 2 === 0 && apiComponents.length > 0 ? apiComponents[i % apiComponents.length].id : consumer.id;
    rel.push({ from, to: x.id, label: `Calls ${x.name}`, technology: 'HTTPS' });
  });
  return { people: [], systems: [], containers, components, relationships: rel };
}

function pickTech(f: PrdFacts, options: string[], fallback: string): string {
  const found = options.find((o) => f.technologies.includes(o));
  if (!found) return fallback;
  if (found === 'Node.js') return 'Node.js 20, TypeScript';
  if (found === 'PostgreSQL') return 'PostgreSQL 16';
  return found;
}
