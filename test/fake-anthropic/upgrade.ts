/**
 * Recorded answers brought up to today's output contract, as a model following today's prompts
 * would have written them: the real answers in ../shared/corpus predate parts of the contract, and
 * a replay must still give a whole bundle from their text. Each change is mechanical and generic
 * (it reads the contract's rules, never a particular PRD), and everything else is kept verbatim.
 */
import { fencedBlocks, headingKey, splitSections } from '../../src/core/markdown';
import type { C4Container, C4Deployment, Finding } from '../../src/core/model';
import { ADDITIONS_SECTION, STEPS, findingSteps, stepForC4Level } from '../../src/core/steps';
import type { ReplayAnswers } from './replay';

/** The design steps a finding's text points at: "step 3", "steps 3 and 5", or a design document's name. */
function stepsNamedIn(text: string): number[] {
  const allowed = findingSteps();
  const out = new Set<number>();
  for (const m of text.matchAll(/\bsteps?\s+((?:\d+(?:\s*(?:,|and|&)\s*)?)+)/gi)) {
    for (const n of m[1].match(/\d+/g) ?? []) if (allowed.some((s) => s.id === Number(n))) out.add(Number(n));
  }
  for (const s of allowed) if (text.includes(s.document)) out.add(s.id);
  return [...out].sort((a, b) => a - b);
}

/**
 * Findings under today's rules: a mitigated finding without evidence cited only a control the
 * review itself specified, so it is open; an open finding names the steps its text points at (the
 * service design when it names none).
 */
function upgradeFindings(text: string): string {
  const block = fencedBlocks(text).find((b) => b.info === 'archflow-findings');
  if (!block) return text;
  const value = JSON.parse(block.body) as { verdict: string; findings: (Finding & { evidence?: string })[] };
  for (const f of value.findings) {
    if (f.status === 'mitigated' && !f.evidence) f.status = 'open';
    if (f.status === 'open' && !f.steps?.length) {
      const named = stepsNamedIn(`${f.recommendation} ${f.title}`);
      f.steps = named.length ? named : [findingSteps()[1].id];
    }
  }
  const json = JSON.stringify(value, null, 2);
  return `${text.slice(0, block.start)}\`\`\`archflow-findings\n${json}\n\`\`\`${text.slice(block.end)}`;
}

/** Whether the answer has the H2 section `title`. */
function hasSection(text: string, title: string): boolean {
  return splitSections(text).sections.some((s) => headingKey(s.title) === title.toLowerCase());
}

/**
 * The additions section, empty: the answer's own tables of added assumptions stay where the model
 * put them (so `check` sees the ids two documents defined twice, as they were written).
 */
function withAdditions(text: string): string {
  if (hasSection(text, ADDITIONS_SECTION)) return text;
  return `${text.trimEnd()}\n\n## ${ADDITIONS_SECTION}\n\n\`\`\`archflow-additions\n{}\n\`\`\`\n`;
}

/** The containers of the recorded service design's C4 block. */
function containersOf(answers: ReplayAnswers): C4Container[] {
  const text = answers[stepForC4Level(2).id];
  const block = text ? fencedBlocks(text).find((b) => b.info === 'archflow-c4') : undefined;
  return block ? ((JSON.parse(block.body) as { containers?: C4Container[] }).containers ?? []) : [];
}

/** The least deployment view the contract accepts: every container on one node of one environment. */
function minimalDeployment(containers: readonly C4Container[]): C4Deployment {
  return {
    environments: [{ id: 'production', name: 'Production', description: 'As the document describes it' }],
    nodes: [
      {
        id: 'productionPlatform',
        environment: 'production',
        parent: null,
        name: 'Production platform',
        technology: '',
        description: '',
      },
    ],
    infrastructure: [],
    deployments: containers.map((c) => ({ container: c.id, node: 'productionPlatform', instances: '', size: '' })),
    relationships: [],
  };
}

/** The deployment block, at the start of the section the infrastructure task puts it in. */
function withDeployment(text: string, containers: readonly C4Container[]): string {
  if (fencedBlocks(text).some((b) => b.info === 'archflow-deployment')) return text;
  const heading = /^## Deployment Architecture[ \t]*$/m.exec(text);
  if (!heading) return text;
  const at = heading.index + heading[0].length;
  const block = `\n\n\`\`\`archflow-deployment\n${JSON.stringify(minimalDeployment(containers), null, 2)}\n\`\`\``;
  return text.slice(0, at) + block + text.slice(at);
}

/** The recorded answers with the parts today's contract adds; a step's answer it does not know is kept. */
export function upgradeRecordedAnswers(answers: ReplayAnswers): ReplayAnswers {
  const out: ReplayAnswers = { ...answers };
  const containers = containersOf(answers);
  for (const step of STEPS) {
    let text = out[step.id];
    if (text === undefined) continue;
    if (step.blocks.includes('findings')) text = upgradeFindings(text);
    if (step.blocks.includes('deployment')) text = withDeployment(text, containers);
    if (step.blocks.includes('additions')) text = withAdditions(text);
    out[step.id] = text;
  }
  return out;
}
