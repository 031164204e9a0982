/**
 * Recorded answers brought up to today's output contract, as a model following today's prompts
 * would have written them: the real answers in ../shared/corpus predate parts of the contract, and
 * a replay must still give a whole bundle from their text. Each change is mechanical and generic
 * (it reads the contract's rules, never a particular PRD), and everything else is kept verbatim.
 */
import { fencedBlocks } from '../../src/core/markdown';
import type { Finding } from '../../src/core/model';
import { findingSteps, stepWithBlock } from '../../src/core/steps';
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

/** The recorded answers with the parts today's contract adds; a step's answer it does not know is kept. */
export function upgradeRecordedAnswers(answers: ReplayAnswers): ReplayAnswers {
  const out: ReplayAnswers = { ...answers };
  const review = stepWithBlock('findings').id;
  const findings = out[review];
  if (findings !== undefined) out[review] = upgradeFindings(findings);
  return out;
}
