/** The requirement inventory: made from the PRD's facts in step 1, read back from step 1's document later. */
import { NFR_CATEGORIES } from '../../../src/core/model';
import type { PrdFacts } from '../prd';
import type { RequestDocument } from '../request';
import { parseBlock, upstream } from './documents';

export type Priority = 'must' | 'should' | 'could';

export interface Req {
  id: string;
  kind: 'FR' | 'NFR';
  title: string;
  source: string;
  priority: Priority;
  category?: string;
  target?: string | null;
}

/** The step-1 requirement inventory derived from the PRD. */
export function requirementsFor(f: PrdFacts): Req[] {
  const out: Req[] = f.features.map((feat, i) => ({
    id: `FR-${i + 1}`,
    kind: 'FR',
    title: feat.name,
    source: feat.source,
    priority: i < 3 ? 'must' : i < 6 ? 'should' : 'could',
  }));
  const role = f.roles[0].toLowerCase();
  const nfr = (
    category: string,
    title: string,
    target: { value: string; source: string } | undefined,
    priority: Priority,
  ): void => {
    out.push({
      id: '',
      kind: 'NFR',
      title,
      category,
      target: target?.value ?? null,
      source: target?.source ?? 'PRD (implied)',
      priority,
    });
  };
  const t = f.targets;
  nfr('performance', `${f.features[0].name} responds quickly to the ${role}`, t.latency ?? t.size, 'must');
  nfr(
    'scalability',
    `${f.product} grows with the number of ${role}s without redesign`,
    t.scale ?? (t.latency ? undefined : t.throughput),
    'must',
  );
  if (t.throughput && (t.scale || t.latency))
    nfr('throughput', `${f.product} sustains the peak request rate`, t.throughput, 'should');
  nfr('availability', `${f.product} stays available during business use`, t.availability, 'must');
  nfr('security', `Only authenticated and authorised ${role}s reach their data`, undefined, 'must');
  if (f.regulations.length > 0) {
    nfr(
      'compliance',
      `Processing complies with ${f.regulations.join(', ')}`,
      { value: f.regulations.join(', '), source: 'PRD (regulations named)' },
      'must',
    );
  } else if (f.mentions.personalData) {
    nfr('privacy', 'Personal data is minimised, protected and deletable on request', undefined, 'should');
  }
  nfr('operability', 'Failures are detected and diagnosed before users report them', undefined, 'should');
  let n = 0;
  for (const r of out) if (r.kind === 'NFR') r.id = `NFR-${++n}`;
  return out;
}

/** Requirement ids of step 1's document: its block, else its table rows, else the ids it mentions. */
export function requirementsFromUpstream(docs: RequestDocument[]): Req[] | undefined {
  const doc = upstream(docs, 1);
  if (!doc) return undefined;
  const block = parseBlock(doc.text, 'archflow-requirements') as { requirements?: unknown } | undefined;
  if (block && Array.isArray(block.requirements)) {
    const reqs: Req[] = [];
    for (const r of block.requirements as Record<string, unknown>[]) {
      if (typeof r?.id !== 'string' || !/^N?FR-\d+$/.test(r.id)) continue;
      reqs.push({
        id: r.id,
        kind: r.id.startsWith('NFR') ? 'NFR' : 'FR',
        title: typeof r.title === 'string' ? r.title : r.id,
        source: typeof r.source === 'string' ? r.source : 'PRD',
        priority: r.priority === 'should' || r.priority === 'could' ? r.priority : 'must',
        category: typeof r.category === 'string' ? r.category : undefined,
        target: typeof r.target === 'string' ? r.target : null,
      });
    }
    if (reqs.length > 0) return reqs;
  }
  const reqs: Req[] = [];
  for (const line of doc.text.split('\n')) {
    if (!line.trimStart().startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.replace(/[`*]/g, '').trim());
    const at = cells.findIndex((c) => /^N?FR-\d+$/.test(c));
    if (at < 0 || reqs.some((r) => r.id === cells[at])) continue;
    const id = cells[at];
    const category = cells.find((c) => (NFR_CATEGORIES as readonly string[]).includes(c.toLowerCase()))?.toLowerCase();
    const title = cells.slice(at + 1).find((c) => c.length > 0 && c.toLowerCase() !== category) ?? id;
    reqs.push({
      id,
      kind: id.startsWith('NFR') ? 'NFR' : 'FR',
      title,
      source: 'PRD',
      priority: 'must',
      category,
      target: null,
    });
  }
  if (reqs.length > 0) return reqs;
  const ids = [...new Set([...doc.text.matchAll(/\b(N?FR-\d+)\b/g)].map((m) => m[1]))];
  if (ids.length === 0) return undefined;
  return ids.map((id) => ({
    id,
    kind: id.startsWith('NFR') ? 'NFR' : 'FR',
    title: id,
    source: 'PRD',
    priority: 'must',
  }));
}
