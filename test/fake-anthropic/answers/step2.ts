/** Step 2, High-Level Design: the pattern, the system boundary and the level-1 C4 model. */
import { ADDITIONS_SECTION } from '../../../src/core/steps';
import { additionsFor } from './additions';
import type { Design } from './design';
import { assemble, bullets, capitalize, code, ids, jsonBlock, listText, perfLine } from './markdown';

/** Step 2's document. */
export function step2(d: Design): string {
  const f = d.facts;
  const sys = d.el.system;
  const model = { people: d.model.people, systems: d.model.systems, relationships: d.model.relationships };
  const perfIds = ids(d.perf) || 'the NFRs';
  const chosen = d.pattern.short;
  const row = (name: string, fit: string, verdict: string): string => `| ${name} | ${fit} | ${verdict} |`;
  return assemble(2, `High-Level Architecture — ${d.product}`, {
    Summary: [
      `We choose a **${d.pattern.name}** for ${d.product}: ${d.pattern.why}.`,
      `${code(sys.id)} serves ${listText(d.el.people.map((p) => `${code(p.id)} (${p.name})`))} and depends on ${listText(d.el.externals.map((x) => `${code(x.id)} (${x.name})`))}.`,
      `It delivers ${ids(d.frs)} as modules of one system boundary.`,
      perfLine(d),
    ].join('\n'),
    'Pattern Selection': [
      `Candidates scored against the drivers ${perfIds}${d.security ? ` and ${d.security.id}` : ''}:`,
      '',
      '| Candidate | Fit for the drivers | Verdict |',
      '|---|---|---|',
      row(
        'Modular monolith',
        `In-process calls keep ${d.perf[0]?.id ?? 'latency'} low; one deployable is cheap to run`,
        chosen === 'modular monolith' ? '**Chosen**' : 'Rejected: the PRD asks for independent services',
      ),
      row(
        'Microservices',
        `Independent scaling for ${d.perf.find((r) => r.category === 'scalability')?.id ?? 'growth'}, but network hops and many deployables`,
        chosen === 'microservices'
          ? '**Chosen**'
          : `Rejected: operational cost not justified by ${d.frs.length} capabilities`,
      ),
      row(
        'Event-driven core',
        'Decouples producers and consumers; harder to reason about consistency',
        'Used only for background jobs',
      ),
      row(
        'Serverless functions',
        'Scales to zero; cold starts threaten latency targets',
        `Rejected: cold starts conflict with ${d.perf[0]?.id ?? 'the latency target'}`,
      ),
      '',
      `Decision: ${d.pattern.name}. ${capitalize(d.pattern.why)}. Rejected alternatives are recorded in the ADRs of step 8.`,
    ].join('\n'),
    'System Boundary': [
      `**Inside ${code(sys.id)}:** ${d.frs.map((r) => `${r.title} (${r.id})`).join('; ')}.`,
      '',
      `**Users:** ${d.el.people.map((p) => `${code(p.id)} — ${p.description}`).join('; ')}.`,
      '',
      `**External systems:** ${d.el.externals.map((x) => `${code(x.id)} — ${x.description}`).join('; ')}.`,
      '',
      f.outOfScope
        ? `**Out of scope:** everything the PRD lists under "${f.outOfScope.name}".`
        : '**Out of scope:** anything not in the requirement inventory (assumption; the PRD lists no non-goals).',
    ].join('\n'),
    'System Context': [
      `Level 1 of the C4 model: who uses ${d.product} and what it depends on. Every external element has at least one relationship.`,
      '',
      jsonBlock('archflow-c4', model),
    ].join('\n'),
    'Major Components': [
      bullets(
        d.frs.map(
          (r, i) =>
            `**${r.title} module** (${r.id}) — owns its data and API; ${i === 0 ? `latency-critical path for ${d.perf[0]?.id ?? 'performance'}` : 'called in-process by other modules through its public interface'}.`,
        ),
      ),
      `- **Background jobs** — slow work (notifications, imports, calls to ${listText(d.el.externals.map((x) => x.name))}) leaves the request path to protect ${perfIds}.`,
    ].join('\n'),
    [ADDITIONS_SECTION]: additionsFor(d),
  });
}
