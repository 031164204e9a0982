/** Step 8, ADRs and the executive summary: the decisions (existing keys first), risks and what needs deciding. */
import { adrNumberText } from '../../../src/core/adr/slug';
import type { AdrDraft, Requirement, SecurityReview } from '../../../src/core/model';
import type { ExistingDecision } from '../request';
import { ADR_TEMPLATES, elementIds, reqIds } from './adrTemplates';
import { assumedTarget } from './assumptions';
import type { Design } from './design';
import { parseBlock, upstream } from './documents';
import { assemble, bullets, code, describeReq, ids, jsonBlock, listText, pitchLine } from './markdown';

function adrsFor(d: Design, existing: ExistingDecision[]): AdrDraft[] {
  const out: AdrDraft[] = [];
  // Every existing key appears again, so no ADR loses its number.
  for (const e of existing) {
    const t = ADR_TEMPLATES.find((x) => x.key === e.key);
    if (t) {
      out.push({ key: e.key, ...t.build(d), supersedes: null });
      continue;
    }
    out.push({
      key: e.key,
      title: e.title,
      status: 'accepted',
      context: `Recorded as ADR ${adrNumberText(e.number)}; still relevant to ${ids(d.perf) || 'the NFRs'}.`,
      decision: `We keep the decision "${e.title}".`,
      consequences: {
        positive: ['Continuity with the existing design'],
        negative: ['Revisit when the drivers change'],
      },
      alternatives: [{ option: 'Reverse the decision', rejectedBecause: 'Nothing in the current PRD requires it' }],
      requirements: reqIds(d, ...d.perf),
      elements: elementIds(d.el.system),
      supersedes: null,
    });
  }
  for (const t of ADR_TEMPLATES) {
    if (out.length >= 4) break;
    if (out.some((a) => a.key === t.key)) continue;
    out.push({ key: t.key, ...t.build(d), supersedes: null });
  }
  return out;
}

/** How an NFR is met, and which document designs it. */
function mechanismFor(r: Requirement, d: Design): string {
  switch (r.category) {
    case 'availability':
      return `two or more instances per container across three zones, managed database failover (\`05-infrastructure-architecture.md\`)`;
    case 'scalability':
    case 'throughput':
      return `stateless ${code(d.el.api?.id)} scaled on load, read replicas of ${code(d.el.db?.id)} (\`05-infrastructure-architecture.md\`)`;
    default:
      return `no external call on the request path${d.el.cache ? `, hot reads from ${code(d.el.cache.id)}` : ''} (\`03-service-architecture.md\`)`;
  }
}

/** Step 8's document. */
export function step8(d: Design): string {
  const el = d.el;
  const adrs = adrsFor(d, d.ctx.existingDecisions);
  const securityDoc = upstream(d.ctx.documents, 6);
  const review = securityDoc
    ? (parseBlock(securityDoc.text, 'archflow-findings') as Partial<SecurityReview> | undefined)
    : undefined;
  const openFindings = (review?.findings ?? []).filter((x) => x && x.status === 'open').slice(0, 3);
  const noTarget = d.nfrs.filter((r) => !r.target);
  const risks = [
    ...openFindings.map((x) => `**${x.id}** (${x.severity}) — ${x.title}; recommended: ${x.recommendation}.`),
    `**Dependency on ${listText(el.externals.map((x) => x.name))}** — outages degrade ${d.frs[0]?.title ?? 'the main feature'}; mitigated by timeouts and the job queue.`,
    noTarget.length > 0
      ? `**Unconfirmed targets** — ${ids(noTarget)} rest on assumptions from step 1.`
      : `**Tight targets** — ${ids(d.perf)} need load tests before launch.`,
  ];
  const proposed = adrs.filter((a) => a.status === 'proposed');
  return assemble(8, `Executive Summary — ${d.product}`, {
    Problem: [
      pitchLine(d),
      `The architecture must deliver ${ids(d.frs)} for ${listText(el.people.map((p) => p.name))} while meeting ${d.perf.map(describeReq).join('; ') || 'its quality goals'}.`,
    ].join('\n'),
    'Chosen Architecture': [
      `${d.product} is a ${d.pattern.name.toLowerCase()} (${code(el.system.id)}).`,
      `${code(el.web?.id)} calls ${code(el.api?.id)}, which owns the domain modules and stores records in ${code(el.db?.id)}.`,
      `Slow work and calls to ${listText(el.externals.map((x) => code(x.id)))} go through ${code(el.queue?.id)} to ${code(el.worker?.id)}.`,
      'It runs on a managed container platform across three zones, deployed by canary releases.',
      'The security review passed; OpenTelemetry provides the SLOs and alerts.',
      '',
      bullets(d.perf.map((r) => `${describeReq(r)} → ${mechanismFor(r, d)}`)),
    ].join('\n'),
    'Top Risks': bullets(risks),
    'Decisions Needed': [
      bullets([
        ...proposed.map(
          (a) => `Approve \`${a.key}\` — ${a.title} (status proposed); it blocks the infrastructure build-out.`,
        ),
        ...noTarget
          .slice(0, 3)
          .map(
            (r) =>
              `Confirm a target for ${r.id} (${r.category}): we recommend ${assumedTarget(r)}, as assumed in \`01-architecture-context.md\`.`,
          ),
        'Record stakeholder approval of this architecture.',
      ]),
      '',
      `The decisions behind the design (${adrs.length} ADRs):`,
      '',
      jsonBlock('archflow-adrs', { adrs }),
    ].join('\n'),
  });
}
