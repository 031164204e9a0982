/** Step 3, Service Design: containers and components (C4 levels 2 and 3), API contracts and communication. */
import { EMPTY_C4, type C4Container } from '../../../src/core/model';
import { slugOf } from '../prd';
import { ADDITIONS_SECTION, stepById } from '../../../src/core/steps';
import { additionsFor } from './additions';
import type { Design } from './design';
import { assemble, bullets, code, ids, jsonBlock, perfLine } from './markdown';

/** The fallback technology of the web app, used when the PRD names no front-end framework. */
const DEFAULT_WEB_TECHNOLOGY = 'TypeScript, React';

/**
 * A technology the PRD did not name is the model's proposal: the container cites the assumption
 * that proposes it (the step's first assumption, defined in its additions block).
 */
function proposed(d: Design): (c: C4Container) => C4Container {
  const first = `A-${stepById(d.step).ids?.from ?? 1}`;
  return (c) => (c.id === d.el.web?.id && c.technology === DEFAULT_WEB_TECHNOLOGY ? { ...c, assumption: first } : c);
}

/** Step 3's document. */
export function step3(d: Design): string {
  const added = d.added ?? EMPTY_C4;
  const el = d.el;
  const api = el.api;
  const perfIds = ids(d.perf) || 'the NFRs';
  const apiComponents = el.components.filter((c) => c.container === api?.id);
  const contracts = d.frs.slice(0, 4).map((r, i) => {
    const slug = slugOf(r.title, `feature-${i + 1}`);
    return [
      `### ${r.title} (${r.id})`,
      '',
      bullets([
        `\`GET /api/v1/${slug}?cursor=<opaque>&limit=50\` → \`200 { "items": [...], "nextCursor": "…" }\` (cursor pagination, max 100)`,
        `\`POST /api/v1/${slug}\` with header \`Idempotency-Key\` → \`201 { "id": "…", "version": 1 }\`; a replayed key returns the first result`,
        `\`PATCH /api/v1/${slug}/{id}\` with \`If-Match: <version>\` → \`200\`, or \`409\` on a concurrent edit`,
        'Errors: `400` (validation, RFC 9457 problem+json), `401`, `403`, `404`, `429` with `Retry-After`',
      ]),
    ].join('\n');
  });
  return assemble(3, `Service Architecture — ${d.product}`, {
    Summary: [
      `${code(el.system.id)} is built as ${added.containers.length} containers: ${added.containers.map((c) => `${code(c.id)} (${c.technology})`).join(', ')}.`,
      `${code(api?.id)} holds the domain modules of ${ids(d.frs.slice(0, 4))}; ${code(el.worker?.id)} runs slow work from ${code(el.queue?.id)} so requests stay fast.`,
      perfLine(d),
    ].join('\n'),
    'Service Boundaries': bullets(
      added.containers.map((c) => {
        const owns =
          c.kind === 'database'
            ? `owns the records of ${ids(d.frs)}; only ${code(api?.id)} and ${code(el.worker?.id)} connect to it`
            : c.kind === 'service'
              ? `${c.description}; stateless, scales horizontally (${d.perf.find((r) => r.category === 'scalability')?.id ?? perfIds})`
              : c.description;
        return `${code(c.id)} — **${c.name}** (${c.technology}): ${owns}.`;
      }),
    ),
    'API Contracts': [
      `REST over HTTPS with JSON, versioned in the path (\`/api/v1\`); breaking changes get \`/api/v2\` and a six-month overlap. Authentication with OAuth 2.0 bearer tokens${d.security ? ` (${d.security.id})` : ''}: access tokens live 15 minutes and are validated on every request; refresh tokens rotate on use and are revoked at logout.`,
      '',
      contracts.join('\n\n'),
    ].join('\n'),
    Communication: bullets([
      `**Synchronous:** ${code(el.web?.id)} → ${code(api?.id)} over HTTPS/JSON with a 2 s timeout; ${perfIds} are met on this path because it never waits on external systems.`,
      `**Asynchronous:** ${code(api?.id)} publishes jobs to ${code(el.queue?.id)}; ${code(el.worker?.id)} consumes them with at-least-once delivery, idempotent handlers and a dead-letter queue after 5 attempts.`,
      `**External calls:** ${el.externals.map((x) => code(x.id)).join(', ')} are called with timeouts (3 s), exponential back-off with jitter and a circuit breaker.`,
      '**Back-pressure:** the API returns `429` with `Retry-After` when the queue depth passes its limit; the worker scales on queue depth.',
    ]),
    'Container View': [
      `Level 2 and level 3 additions to the model of step 2 (${code(el.system.id)} and its neighbours keep their ids).`,
      '',
      jsonBlock('archflow-c4', {
        containers: added.containers.map(proposed(d)),
        components: added.components,
        relationships: added.relationships,
      }),
    ].join('\n'),
    'Component Views': [
      ...[api, el.worker]
        .filter((c): c is C4Container => c !== undefined)
        .map((c) => {
          const comps = el.components.filter((x) => x.container === c.id);
          return [
            `### ${c.name} (${code(c.id)})`,
            '',
            bullets(comps.map((x) => `${code(x.id)} — ${x.name}: ${x.description}.`)),
          ].join('\n');
        }),
      '',
      apiComponents.length > 0
        ? `Modules call each other only through their public interfaces; ${code(apiComponents[0].id)} is on the hot path of ${d.perf[0]?.id ?? 'the latency target'}.`
        : '',
    ].join('\n'),
    [ADDITIONS_SECTION]: additionsFor(d),
  });
}
