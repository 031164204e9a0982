/** Step 1, Context Analysis: goals, the requirement inventory, quality attribute scenarios, assumptions and risks. */
import { assumedTarget, assumptionQuestion } from './assumptions';
import type { Design } from './design';
import { assemble, bullets, capitalize, clipText, describeReq, ids, jsonBlock, listText, pitchLine } from './markdown';
import type { Requirement } from '../../../src/core/model';

/** Step 1's document. */
export function step1(d: Design): string {
  const f = d.facts;
  const role = f.roles[0];
  const noTarget = d.nfrs.filter((r) => !r.target);
  const inventory = {
    requirements: d.reqs.map((r) =>
      r.kind === 'FR'
        ? { id: r.id, title: r.title, source: r.source, priority: r.priority }
        : {
            id: r.id,
            title: r.title,
            category: r.category,
            target: r.target ?? null,
            source: r.source,
            priority: r.priority,
          },
    ),
  };
  const drivers = d.nfrs.filter((r) => r.priority === 'must');
  const scenarios = d.nfrs
    .filter((r) => r.category !== 'operability')
    .slice(0, 4)
    .map((r, i) => {
      const measure = r.target ? r.target : `to be agreed with the PRD owner (assumption A-${noTarget.indexOf(r) + 1})`;
      return [
        `### QAS-${i + 1} — ${capitalize(r.category ?? 'quality')} (${r.id})`,
        '',
        bullets([
          `**Source:** a ${role.toLowerCase()}${r.category === 'security' ? ' or an attacker holding a stolen session' : ''}`,
          `**Stimulus:** ${scenarioStimulus(r, d)}`,
          `**Environment:** ${r.category === 'availability' ? 'one availability zone fails during business hours' : 'normal operation at the expected peak load'}`,
          `**Artifact:** ${d.product}`,
          `**Response:** ${scenarioResponse(r)}`,
          `**Response measure:** ${measure}`,
        ]),
      ].join('\n');
    })
    .join('\n\n');
  const assumptions = [
    ...noTarget.map(
      (r, i) =>
        `**A-${i + 1}** — ${r.id} (${r.category}) has no measurable target in the PRD; we assume ${assumedTarget(r)}. Question for the PRD owner: ${assumptionQuestion(r)}`,
    ),
    `**A-${noTarget.length + 1}** — One product team owns ${d.product} end to end; the PRD does not give team size. Question for the PRD owner: how many engineers will build and run it?`,
    `**A-${noTarget.length + 2}** — ${d.product} runs on a managed public cloud; the PRD names no hosting constraint. Question for the PRD owner: is there a required cloud provider or region?`,
  ];
  const questions = [
    ...f.questions.map((q) => `${q} (raised in the PRD)`),
    ...noTarget.slice(0, 3).map((r) => `${capitalize(assumptionQuestion(r))} (${r.id})`),
    `Which of ${listText(d.frs.slice(0, 3).map((r) => r.id))} must ship in the first release?`,
  ];
  const constraints = [
    f.technologies.length > 0
      ? `**Technology** — the PRD names ${listText(f.technologies)}; the design keeps to them unless an ADR says otherwise.`
      : '**Technology** — the PRD names no mandatory technology; choices are made in steps 2-5 and recorded as ADRs.',
    f.regulations.length > 0
      ? `**Regulation** — ${listText(f.regulations)} applies (${d.nfrs.find((r) => r.category === 'compliance')?.id ?? 'see NFRs'}).`
      : '**Regulation** — the PRD names no regulation; personal data is still handled under least privilege.',
    `**External dependencies** — ${listText(f.externals.map((x) => x.name))} are outside our control and shape the integration design.`,
    f.outOfScope
      ? `**Scope** — the PRD excludes what it lists under "${f.outOfScope.name}"${f.outOfScope.number ? ` (§${f.outOfScope.number})` : ''}.`
      : '**Scope** — the PRD states no explicit non-goals; anything not in the inventory is out of scope.',
  ];
  const glossary = [
    `**${d.product}** — the system under design: ${clipText(f.pitch, 120)}`,
    ...d.frs.slice(0, 3).map((r) => `**${r.title}** — a capability of the PRD (${r.source}), tracked as ${r.id}.`),
    '**FR / NFR** — functional / non-functional requirement ids used by every Archflow document.',
    '**SLO** — service level objective derived from an NFR target.',
  ];
  return assemble(1, `Architecture Context — ${d.product}`, {
    Summary: [
      pitchLine(d),
      '',
      `The PRD yields ${d.frs.length} functional requirements (${d.frs[0].id} to ${d.frs[d.frs.length - 1].id}) and ${d.nfrs.length} non-functional requirements (${d.nfrs[0].id} to ${d.nfrs[d.nfrs.length - 1].id}) for ${listText(f.roles.map((r) => `${r.toLowerCase()}s`))}.`,
      `The architecture drivers are ${drivers.map(describeReq).join(', ')}.`,
      noTarget.length > 0
        ? `The PRD gives no measurable target for ${ids(noTarget)}; each is recorded as an assumption with a question for the PRD owner.`
        : 'Every NFR has a measurable target from the PRD.',
    ].join('\n'),
    'Business Goals and Drivers': [
      bullets([
        `**G1 — Deliver ${d.frs[0].title}** for the ${role.toLowerCase()} (${d.frs[0].id}${d.frs[1] ? `, ${d.frs[1].id}` : ''}).`,
        `**G2 — Make ${d.product} dependable** enough to be trusted with daily work (${ids(d.nfrs.filter((r) => r.category === 'availability' || r.category === 'security'))}).`,
        `**G3 — Keep it fast and cheap to evolve** as ${d.frs.length} capabilities grow (${ids(d.perf)}).`,
      ]),
      '',
      '### Architecture drivers',
      '',
      bullets(
        drivers.map(
          (r) => `${r.id} — ${r.title}${r.target ? ` (target ${r.target}, ${r.source})` : ' (no target yet)'}`,
        ),
      ),
    ].join('\n'),
    'Requirement Inventory': `The inventory is the single list of requirement ids every later step cites.\n\n${jsonBlock('archflow-requirements', inventory)}`,
    'Quality Attribute Scenarios': scenarios,
    Constraints: bullets(constraints),
    Assumptions: bullets(assumptions),
    Risks: bullets([
      `**R1 — Scope** — ${d.frs.length} capabilities (${d.frs[0].id} to ${d.frs[d.frs.length - 1].id}) compete for the first release; mitigate by agreeing the must-haves (${ids(d.frs.filter((r) => r.priority === 'must'))}).`,
      `**R2 — External dependency** — an outage of ${f.externals[0].name} blocks ${d.frs[0].title}; mitigate with timeouts, retries and a degraded mode.`,
      noTarget.length > 0
        ? `**R3 — Unmeasured quality** — without targets for ${ids(noTarget)} the design may over- or under-build; mitigate by answering the open questions.`
        : `**R3 — Tight targets** — ${ids(d.perf)} leave little headroom; mitigate with load tests before launch.`,
    ]),
    'Open Questions': bullets(questions.slice(0, 6).map((q, i) => `**Q${i + 1}** — ${q}`)),
    Glossary: bullets(glossary),
  });
}

function scenarioStimulus(r: Requirement, d: Design): string {
  switch (r.category) {
    case 'performance':
    case 'latency':
      return `uses ${d.frs[0].title} at peak time`;
    case 'scalability':
      return 'the number of users and records doubles within a quarter';
    case 'throughput':
      return 'traffic reaches the peak request rate for ten minutes';
    case 'availability':
      return 'an infrastructure component fails';
    case 'security':
      return 'tries to read another account’s data';
    default:
      return `exercises ${r.title.toLowerCase()}`;
  }
}

function scenarioResponse(r: Requirement): string {
  switch (r.category) {
    case 'performance':
    case 'latency':
      return 'the answer is served from the API without waiting on background work';
    case 'scalability':
    case 'throughput':
      return 'stateless instances scale out automatically; the database keeps headroom';
    case 'availability':
      return 'traffic fails over to healthy instances without data loss';
    case 'security':
      return 'the request is rejected (403) and the attempt is audit-logged';
    default:
      return 'the system meets the requirement';
  }
}
