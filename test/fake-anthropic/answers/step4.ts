/** Step 4, Data Architecture: the data model as an ER diagram, storage choices, flows, retention and migration. */
import { IdRegistry, camelId } from '../prd';
import { ADDITIONS_SECTION } from '../../../src/core/steps';
import { additionsFor } from './additions';
import type { Design } from './design';
import { assemble, bullets, code, ids, listText, perfLine } from './markdown';

function entityName(name: string, i: number): string {
  const words = camelId(name, '', 3);
  if (!words) return `ENTITY_${i + 1}`;
  return words.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Step 4's document. */
export function step4(d: Design): string {
  const el = d.el;
  const owner = entityName(d.facts.roles[0], 0);
  const taken = new IdRegistry([owner]);
  const entities = d.frs.slice(0, 5).map((r, i) => ({ name: taken.take(entityName(r.title, i)), req: r }));
  const er = [
    'erDiagram',
    `    ${owner} {`,
    '        uuid id PK',
    '        string email',
    '        timestamptz created_at',
    '    }',
    ...entities.flatMap((e) => [
      `    ${e.name} {`,
      '        uuid id PK',
      `        uuid ${owner.toLowerCase()}_id FK`,
      '        int version',
      '        timestamptz updated_at',
      '    }',
    ]),
    ...entities.map((e) => `    ${owner} ||--o{ ${e.name} : owns`),
  ].join('\n');
  const scal = d.perf.find((r) => r.category === 'scalability');
  const avail = d.perf.find((r) => r.category === 'availability');
  return assemble(4, `Data Architecture — ${d.product}`, {
    Summary: [
      `${d.product} keeps its system of record in ${code(el.db?.id)} (${el.db?.technology ?? 'PostgreSQL'})${el.cache ? `, hot reads in ${code(el.cache.id)}` : ''}${el.storage ? `, files in ${code(el.storage.id)}` : ''}.`,
      `Each module of ${code(el.api?.id)} owns its tables; no module reads another's tables directly.`,
      perfLine(d),
    ].join('\n'),
    'Data Model': [
      `One schema per module in ${code(el.db?.id)}; every row carries a \`version\` for optimistic locking.`,
      '',
      '```mermaid',
      er,
      '```',
      '',
      bullets(
        entities.map(
          (e) =>
            `\`${e.name}\` — records of ${e.req.title} (${e.req.id}), owned by ${code(el.components[d.frs.indexOf(e.req)]?.id ?? el.api?.id)}.`,
        ),
      ),
    ].join('\n'),
    'Storage Choices': [
      '| Data set | Store | Why |',
      '|---|---|---|',
      `| ${listText(entities.map((e) => e.name))} | ${code(el.db?.id)} (${el.db?.technology ?? 'PostgreSQL'}) | Relational integrity and transactions; read replicas for ${scal?.id ?? 'growth'} |`,
      el.cache
        ? `| Sessions, hot lookups | ${code(el.cache.id)} (${el.cache.technology}) | Sub-millisecond reads for ${d.perf[0]?.id ?? 'latency'}; TTL 5 min, rebuilt from the database |`
        : '',
      el.queue
        ? `| Jobs | ${code(el.queue.id)} (${el.queue.technology}) | Durable hand-off to ${code(el.worker?.id)}; 7-day retention |`
        : '',
      el.storage ? `| Files, exports | ${code(el.storage.id)} | Cheap, durable blobs served through signed URLs |` : '',
    ]
      .filter(Boolean)
      .join('\n'),
    'Data Flows': [
      `1. A ${d.facts.roles[0].toLowerCase()} writes through ${code(el.web?.id)} → ${code(el.api?.id)} → ${code(el.db?.id)} in one transaction; an outbox row records the event.`,
      `2. The outbox relay publishes to ${code(el.queue?.id)}; ${code(el.worker?.id)} processes the job and records the result.`,
      `3. Reads go to the primary for read-your-writes and to replicas for lists and reports (${scal?.id ?? ids(d.perf)}).`,
      `4. Calls to ${listText(el.externals.map((x) => code(x.id)))} carry only the fields they need; responses are stored with their source.`,
    ].join('\n'),
    'Retention and Recovery': bullets([
      `Point-in-time recovery with 7 days of WAL and daily snapshots kept 35 days: RPO 5 minutes, RTO 1 hour${avail ? ` (supports ${avail.id}${avail.target ? `, ${avail.target}` : ''})` : ''} — assumption until the PRD owner confirms.`,
      'Personal data is classified confidential, encrypted at rest, and deleted or anonymised on account deletion within 30 days.',
      'Restore drills run quarterly against a scratch environment.',
    ]),
    'Migration Plan': /\b(migrat|legacy|existing system)/i.test(d.facts.pitch + (d.ctx.prd?.text ?? ''))
      ? bullets([
          'Phase 1: backfill the new schema from the existing system with idempotent import jobs.',
          'Phase 2: dual-write for two weeks and compare nightly.',
          'Phase 3: switch reads, keep the old store read-only for 30 days, then retire it; rollback is re-pointing reads.',
        ])
      : 'No existing system is named in the PRD, so there is no data migration (assumption). Schema changes use expand/contract migrations run by the deployment pipeline.',
    [ADDITIONS_SECTION]: additionsFor(d),
  });
}
