/**
 * The fake model in revision mode (docs/adr/0012-revision-format.md): it writes the document the
 * new inputs give, and answers only the `##` sections that differ from the current document —
 * except sections the user edited, which it leaves as they are, and keeping the lines earlier
 * revisions added (a control, an answered comment). A note naming a finding gets the finding's
 * control written into the step's last prose section, any other note a line that answers it; the
 * security review, revising,
 * keeps its findings' ids and marks an open one mitigated when a document it reads holds the
 * control. Deterministic, like the rest of the fake.
 */
import { CHANGED_ITEMS, NO_CHANGES, itemId } from '../../../src/core/revision';
import { type Section, fencedBlocks, headingKey, splitSections } from '../../../src/core/markdown';
import type { StepId } from '../../../src/core/steps';
import { stepById } from '../../../src/core/steps';
import type { RequestContext } from '../request';

/** What a revision request carries, as the fake reads it. */
export interface RevisionRequest {
  document: string;
  base: string;
  edited: string[];
  notes: { id?: string; text: string }[];
  /** The PRD diff the request carries (unified lines), when it has one. */
  prdDiff?: string;
}

/** The revision part of a request, when it has one. */
export function readRevision(userText: string): RevisionRequest | undefined {
  const m = /<current-document name="([^"]*)"(?: edited-by-user="([^"]*)")?>\n([\s\S]*?)\n<\/current-document>/.exec(
    userText,
  );
  if (!m) return undefined;
  const notes = [...userText.matchAll(/<note(?: id="([^"]*)")?>\n([\s\S]*?)\n<\/note>/g)].map((n) =>
    n[1] ? { id: n[1], text: n[2] } : { text: n[2] },
  );
  const changes = /<changes>\n([\s\S]*?)\n<\/changes>/.exec(userText)?.[1] ?? '';
  const diff = /## PRD diff\n\n```diff\n([\s\S]*?)\n```/.exec(changes)?.[1];
  return {
    document: m[1],
    base: m[3],
    edited: m[2] ? m[2].split('; ') : [],
    notes,
    ...(diff ? { prdDiff: diff } : {}),
  };
}

/**
 * A section's structured blocks as the revision prompt asks for them when only some items change:
 * a `changed-items` block with the items (by id or key) that differ from the base's block and the
 * other fields that differ. A block with nothing to compare (no base block, not JSON, items
 * without ids, an item removed) is sent whole.
 */
export function changedItemsOnly(body: string, baseBody: string): string {
  const baseBlocks = fencedBlocks(baseBody);
  let out = '';
  let from = 0;
  for (const b of fencedBlocks(body)) {
    const kind = b.info.split(/\s+/)[0];
    if (!kind.startsWith('archflow-') || b.info.includes(CHANGED_ITEMS)) continue;
    const was = baseBlocks.find((x) => x.info.split(/\s+/)[0] === kind);
    const partial = was ? partialOf(b.body, was.body) : undefined;
    if (!partial) continue;
    out += body.slice(from, b.start) + '```' + `${kind} ${CHANGED_ITEMS}\n${partial}\n` + '```';
    from = b.end;
  }
  return out + body.slice(from);
}

function partialOf(now: string, before: string): string | undefined {
  let a: Record<string, unknown>;
  let b: Record<string, unknown>;
  try {
    a = JSON.parse(now) as Record<string, unknown>;
    b = JSON.parse(before) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  // Items are matched as the merge matches them.
  const idOf = itemId;
  const partial: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) {
    const old = b[k];
    if (JSON.stringify(v) === JSON.stringify(old)) continue;
    if (Array.isArray(v) && Array.isArray(old) && [...v, ...old].every((i) => idOf(i) !== undefined)) {
      const ids = new Set(v.map(idOf));
      if (old.some((i) => !ids.has(idOf(i)))) return undefined;
      const before = new Map(old.map((i) => [idOf(i), JSON.stringify(i)]));
      partial[k] = v.filter((i) => before.get(idOf(i)) !== JSON.stringify(i));
    } else partial[k] = v;
  }
  return JSON.stringify(partial, null, 2);
}

/** The line step 1 adds to its inventory section for a PRD edit; later steps read it back. */
const COVERS_RE = /^- (N?FR-\d+) also covers: (.+)$/gm;

/**
 * What a PRD edit adds, line by line: the text of each `+` line that its `-` line did not have
 * (an appended sentence), or the whole line when nothing was removed.
 */
export function addedByDiff(diff: string): { added: string; replaced?: string }[] {
  const lines = diff.split('\n');
  const out: { added: string; replaced?: string }[] = [];
  const removed = lines.filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
  for (const l of lines) {
    if (!l.startsWith('+ ')) continue;
    const now = l.slice(2);
    const was = removed.find((r) => r.length > 0 && now.startsWith(r.trimEnd()));
    const added = (was ? now.slice(was.trimEnd().length) : now).replace(/^[\s*#>-]+/, '').trim();
    if (added) out.push(was ? { added, replaced: was } : { added });
  }
  return out;
}

const words = (t: string): Set<string> => new Set(t.toLowerCase().match(/[a-z0-9]{4,}/g) ?? []);

/** The requirement of the inventory an edited PRD line is about: most words shared with its title. */
function requirementFor(base: string, line: string): string | undefined {
  const ids = [
    ...base.matchAll(/\|\s*(FR-\d+)\s*\|[^|]*\|\s*([^|]+)\|/g),
    ...base.matchAll(/"id":\s*"(FR-\d+)"[^}]*?"title":\s*"([^"]+)"/g),
  ];
  const want = words(line);
  let best: { id: string; score: number } | undefined;
  for (const [, id, title] of ids) {
    const score = [...words(title)].filter((w) => want.has(w)).length;
    if (!best || score > best.score) best = { id, score };
  }
  return best?.id;
}

/**
 * How the fake answers a PRD edit, as our revision prompt asks a model to: step 1 adds the edit to
 * the requirement it belongs to (the inventory section is sent back whole, block and all); a later
 * step adds a line to the first prose section that cites a requirement the edit changed. Every
 * other section is left out of the answer.
 */
function prdEditSections(
  step: StepId,
  generated: Section[],
  base: Section[],
  rev: RevisionRequest,
  ctx: RequestContext,
  out: Map<string, { title: string; body: string }>,
): void {
  // A section the user edited is theirs: the fake leaves it out, as the prompt asks.
  const edited = new Set(rev.edited.map(headingKey));
  base = base.filter((b) => !edited.has(headingKey(b.title)));
  generated = generated.filter((g) => !edited.has(headingKey(g.title)));
  if (step === 1 && rev.prdDiff) {
    const inventory = generated.find((s) => /```archflow-requirements/.test(s.body));
    if (!inventory) return;
    const key = headingKey(inventory.title);
    const mine = base.find((b) => headingKey(b.title) === key);
    const kept = mine ? [...mine.body.matchAll(COVERS_RE)].map((m) => m[0]) : [];
    const edits = addedByDiff(rev.prdDiff).map((a) => ({
      id: requirementFor(rev.base, a.replaced ?? a.added) ?? 'FR-1',
      added: a.added,
    }));
    const lines = edits.map((e) => `- ${e.id} also covers: ${e.added}`).filter((l) => !kept.includes(l));
    if (lines.length === 0) return;
    // The inventory's block as the base holds it (JSON): only the requirements the edit changes
    // are sent, in a `changed-items` block. A base without it (blocks rendered) gets the whole block.
    const block = mine ? fencedBlocks(mine.body).find((b) => b.info === 'archflow-requirements') : undefined;
    let body: string;
    try {
      const all = (JSON.parse(block!.body) as { requirements: { id: string; title: string }[] }).requirements;
      const items = edits.flatMap((e) => {
        const r = all.find((x) => x.id === e.id);
        return r ? [{ ...r, title: `${r.title}; also ${e.added.replace(/\.$/, '').toLowerCase()}` }] : [];
      });
      const partial =
        '```archflow-requirements ' + CHANGED_ITEMS + '\n' + JSON.stringify({ requirements: items }, null, 2) + '\n```';
      body = mine!.body.slice(0, block!.start) + partial + mine!.body.slice(block!.end);
    } catch {
      body = out.get(key)?.body ?? inventory.body;
    }
    body = [body.trimEnd(), ...kept.filter((l) => !body.includes(l)), ...lines].join('\n');
    out.set(key, { title: mine?.title ?? inventory.title, body });
    return;
  }
  const inventory = ctx.documents.find((d) => d.step === 1);
  if (!inventory) return;
  for (const [, id, text] of inventory.text.matchAll(COVERS_RE)) {
    const line = `- Also for ${id}: ${text}`;
    if (rev.base.includes(line)) continue;
    const prose = (s: Section): boolean => !/```archflow-|^\|/m.test(s.body);
    const at = base.find((b) => prose(b) && new RegExp(`\\b${id}\\b`).test(b.body));
    if (!at) continue;
    const key = headingKey(at.title);
    const current = out.get(key)?.body ?? at.body;
    out.set(key, { title: at.title, body: `${current.trimEnd()}\n\n${line}` });
  }
}

/** The line a fix writes: the security review looks for it. */
export function controlLine(id: string, text: string): string {
  const rec = /Recommendation: (.*?)\. Write the control/.exec(text)?.[1] ?? 'the recommended control';
  return `- Control for ${id}: ${rec}.`;
}

/** The line that answers a comment (or, without an id, a change request): its request, done. */
export function commentLine(id: string | undefined, text: string): string {
  const said = text
    .replace(/^\[[^\]]*\][^:]*:\s*/, '')
    .split('\n')[0]
    .trim();
  return id ? `- Revised for ${id}: ${said}` : `- Revised: ${said}`;
}

/** A line an earlier revision added: kept by every later revision, as a model keeps what it wrote. */
const REVISION_LINE = /^- (?:Control for [A-Z]+-\d+|Revised for [A-Z]+-\d+|Revised):/;

/** `body` with the revision lines of `before` it lacks, appended in their order. */
function keepRevisionLines(body: string, before: string): string {
  const lost = before.split('\n').filter((l) => REVISION_LINE.test(l) && !body.includes(l));
  return lost.length === 0 ? body : `${body.trimEnd()}\n\n${lost.join('\n')}`;
}

interface FindingLike {
  id: string;
  severity: string;
  status: string;
  evidence?: string;
  [key: string]: unknown;
}

const FINDINGS_RE = /```archflow-findings\n([\s\S]*?)\n```/;

/** The findings block of a text, parsed. */
function findingsOf(text: string): { verdict?: string; findings: FindingLike[] } | undefined {
  const m = FINDINGS_RE.exec(text);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]) as { findings: FindingLike[] };
  } catch {
    return undefined;
  }
}

/** Where a document the request carries holds a finding's control: "<document> › <section>". */
function controlEvidence(id: string, ctx: RequestContext): string | undefined {
  for (const d of ctx.documents) {
    for (const s of splitSections(d.text).sections) {
      if (s.body.includes(`Control for ${id}:`)) return `${d.name} › ${s.title}`;
    }
  }
  return undefined;
}

/** The security review's findings block revised: the base's findings with their ids, statuses updated. */
function reviseFindings(generated: string, base: string, ctx: RequestContext): string {
  const before = findingsOf(base);
  const now = findingsOf(generated);
  if (!before || !now) return generated;
  const ids = new Set(before.findings.map((f) => f.id));
  const findings = [
    ...before.findings.map((f) => {
      if (f.status !== 'open') return f;
      const evidence = controlEvidence(f.id, ctx);
      return evidence ? { ...f, status: 'mitigated', evidence } : f;
    }),
    ...now.findings.filter((f) => !ids.has(f.id)),
  ];
  const blocking = findings.some((f) => f.status === 'open' && (f.severity === 'high' || f.severity === 'critical'));
  const block =
    '```archflow-findings\n' +
    JSON.stringify({ ...now, verdict: blocking ? 'fail' : 'pass', findings }, null, 2) +
    '\n```';
  return generated.replace(FINDINGS_RE, () => block);
}

/** The revision answer for `step`, given the document the new inputs give (`generated`). */
export function reviseDocument(step: StepId, generated: string, rev: RevisionRequest, ctx: RequestContext): string {
  let target = reviseFindings(generated, rev.base, ctx);
  const base = splitSections(rev.base).sections;
  const edited = new Set(rev.edited.map(headingKey));
  // A finding's fix writes its control; another note (a comment, a change request) is answered by a
  // line — except in the security review, which answers its notes in its findings block.
  const reviews = stepById(step).blocks.includes('findings');
  const fixes = rev.notes.filter((n) => n.id || !reviews);
  const out = new Map<string, { title: string; body: string }>();
  for (const s of splitSections(target).sections) {
    const key = headingKey(s.title);
    const mine = base.find((b) => headingKey(b.title) === key);
    if (edited.has(key) || !mine) continue;
    const body = keepRevisionLines(s.body, mine.body);
    if (mine.body !== body) out.set(key, { title: mine.title, body: changedItemsOnly(body, mine.body) });
  }
  prdEditSections(step, splitSections(target).sections, base, rev, ctx, out);
  if (fixes.length > 0) {
    // The step's last section without a structured block holds the controls.
    const sections = stepById(step).sections;
    const base2 = new Map(base.map((b) => [headingKey(b.title), b]));
    const name = [...sections]
      .reverse()
      .find((n) => !/```archflow-/.test(base2.get(headingKey(n))?.body ?? '```archflow-'));
    if (name) {
      const key = headingKey(name);
      const current = out.get(key) ?? { title: base2.get(key)!.title, body: base2.get(key)!.body };
      const lines = fixes
        .map((f) => (f.id && /Security finding /.test(f.text) ? controlLine(f.id, f.text) : commentLine(f.id, f.text)))
        .filter((l) => !current.body.includes(l));
      if (lines.length)
        out.set(key, { title: current.title, body: `${current.body.trimEnd()}\n\n${lines.join('\n')}` });
    }
  }
  target = [...out.values()].map((s) => `## ${s.title}\n\n${s.body}`).join('\n\n');
  return target ? target + '\n' : NO_CHANGES;
}

/** The id of the open high finding the `open-finding` fault raises. */
export const OPEN_FINDING_ID = 'SEC-9';

/**
 * A security review answer with one more finding: open, high, its fix in the service design. An
 * answer without a findings block (another step's) is returned as it is.
 */
export function withOpenFinding(answer: string): string {
  const review = findingsOf(answer);
  if (!review || review.findings.some((f) => f.id === OPEN_FINDING_ID)) return answer;
  const finding = {
    id: OPEN_FINDING_ID,
    severity: 'high',
    title: 'Webhook callbacks are accepted without a signature check',
    element: null,
    stride: 'Spoofing',
    recommendation: 'Verify an HMAC signature on every webhook call and reject replays older than 5 minutes',
    status: 'open',
    steps: [3],
    requirements: (review.findings[0]?.requirements as string[] | undefined) ?? [],
  };
  const block =
    '```archflow-findings\n' +
    JSON.stringify({ ...review, verdict: 'fail', findings: [...review.findings, finding] }, null, 2) +
    '\n```';
  return answer.replace(FINDINGS_RE, () => block);
}
