/** Writing the fake model's Markdown: lists, ids, requirement mentions, JSON blocks, and a document in the step's sections. */
import { stepById, type StepId } from '../../../src/core/steps';
import type { Design } from './design';
import type { Requirement } from '../../../src/core/model';

export { capitalize } from '../prdFacts/text';

/** At most `max` characters, an ellipsis marking the cut. */
export function clipText(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** "a", "a and b", "a, b and c"; "its users" for none. */
export function listText(items: string[]): string {
  if (items.length === 0) return 'its users';
  if (items.length === 1) return items[0];
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** An element id in backticks, or "the system" when there is none. */
export function code(id: string | undefined): string {
  return id ? `\`${id}\`` : 'the system';
}

/** The ids of requirements, comma-separated. */
export function ids(reqs: Requirement[]): string {
  return reqs.map((r) => r.id).join(', ');
}

/** An NFR with its category and target, or saying it has no target yet. */
export function describeReq(r: Requirement): string {
  const cat = r.category ? `${r.category}` : 'quality';
  return r.target ? `${r.id} (${cat}: ${r.target})` : `${r.id} (${cat}, no target in the PRD yet)`;
}

/** A Markdown bullet list. */
export function bullets(lines: string[]): string {
  return lines.map((l) => `- ${l}`).join('\n');
}

/** A fenced structured block (`archflow-…`) holding pretty-printed JSON. */
export function jsonBlock(name: string, value: unknown): string {
  return `\`\`\`${name}\n${JSON.stringify(value, null, 2)}\n\`\`\``;
}

/** Assembles a document: H1, then exactly the step's H2 sections in order. */
export function assemble(step: StepId, title: string, bodies: Record<string, string>): string {
  const parts = [`# ${title}`];
  for (const section of stepById(step).sections) {
    const body = bodies[section];
    if (body === undefined) throw new Error(`fake-anthropic: no body for section "${section}" of step ${step}`);
    parts.push(`## ${section}\n\n${body.trim()}`);
  }
  return `${parts.join('\n\n')}\n`;
}

/** The sentence naming the performance-related NFRs a document addresses. */
export function perfLine(d: Design): string {
  if (d.perf.length === 0) return 'Step 1 lists no performance-related NFR; none is cited here.';
  return `Performance-related requirements addressed here: ${d.perf.map(describeReq).join('; ')}.`;
}

/** The PRD's one-line description, prefixed with the product name unless it starts with it. */
export function pitchLine(d: Design): string {
  const pitch = d.facts.pitch;
  return pitch.toLowerCase().startsWith(d.product.toLowerCase()) ? pitch : `${d.product}: ${pitch}`;
}
