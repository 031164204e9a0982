/** Step 7, Observability: logs, metrics, traces, SLOs from the NFR targets, alerts and dashboards. */
import { assumedTarget } from './assumptions';
import { ADDITIONS_SECTION } from '../../../src/core/steps';
import { additionsFor } from './additions';
import type { Design } from './design';
import { assemble, bullets, code, ids, listText, perfLine } from './markdown';

/** Step 7's document. */
export function step7(d: Design): string {
  const el = d.el;
  const services = el.containers.filter((c) => c.kind === 'service' || c.kind === 'webapp' || c.kind === 'function');
  const slos = d.perf.map((r) => {
    const target = r.target ?? assumedTarget(r);
    const sli =
      r.category === 'availability'
        ? 'share of successful requests (non-5xx)'
        : r.category === 'scalability' || r.category === 'throughput'
          ? 'requests served within target at peak load'
          : 'p95 latency of API requests';
    return `| ${r.id} | ${sli} | ${target}${r.target ? '' : ' (assumed)'} | burn rate > 2 over 1 h → page; > 1 over 6 h → ticket |`;
  });
  return assemble(7, `Observability Design — ${d.product}`, {
    Summary: [
      `${d.product} is observed with OpenTelemetry end to end: structured logs, RED metrics for ${services.map((c) => code(c.id)).join(', ') || code(el.system.id)}, and traces across ${code(el.queue?.id)}.`,
      `SLOs derive from the NFR targets; alerts fire on symptoms (error budget burn), not causes.`,
      perfLine(d),
    ].join('\n'),
    Logging: bullets([
      'JSON logs with `timestamp`, `level`, `service`, `trace_id`, `span_id`, `request_id` and `user_role`.',
      'Never logged: secrets, tokens, passwords, full personal data (emails are hashed).',
      'Retention: 14 days hot, 90 days archived; audit events 1 year.',
    ]),
    Metrics: bullets([
      `**RED** per endpoint of ${code(el.api?.id)}: rate, errors, duration histograms (p50/p95/p99) — the source of ${d.perf[0]?.id ?? 'latency'} SLIs.`,
      `**USE** for ${code(el.db?.id)}${el.cache ? `, ${code(el.cache.id)}` : ''} and ${code(el.queue?.id)}: utilisation, saturation (queue depth, connections), errors.`,
      `**Business:** usage of ${listText(d.frs.slice(0, 3).map((r) => `${r.title} (${r.id})`))}.`,
    ]),
    Tracing: bullets([
      `W3C trace context propagated from ${code(el.web?.id)} through ${code(el.api?.id)} into job headers on ${code(el.queue?.id)} and on to ${code(el.worker?.id)}.`,
      `Spans for every call to ${listText(el.externals.map((x) => code(x.id)))} and every database query over 50 ms.`,
      'Head sampling at 10%, tail sampling keeps every error and every trace slower than the SLO.',
    ]),
    'SLOs and Alerts': [
      '| NFR | SLI | SLO | Alert |',
      '|---|---|---|---|',
      ...slos,
      '',
      'Each alert links to a runbook under `docs/runbooks/` named after the SLO.',
    ].join('\n'),
    Dashboards: bullets([
      `**Service overview:** SLO status and error budget for ${ids(d.perf) || 'each SLO'}.`,
      `**Per container:** RED and USE panels for ${services.map((c) => code(c.id)).join(', ') || code(el.system.id)}.`,
      `**Product:** adoption of ${d.frs[0]?.title ?? 'the main feature'} and funnel per ${d.facts.roles[0].toLowerCase()}.`,
    ]),
    [ADDITIONS_SECTION]: additionsFor(d),
  });
}
