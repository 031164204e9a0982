/** The requirement inventory: made from the PRD's facts in step 1, read back from step 1's document later. */
import type { NfrCategory, Requirement } from '../../../src/core/model';
import { parseRequirementsJson, parseRequirementsTable } from '../../../src/core/requirements';
import type { PrdFacts } from '../prd';
import type { RequestDocument } from '../request';
import { blockBody, upstream } from './documents';

type Priority = Requirement['priority'];

/** The step-1 requirement inventory derived from the PRD. */
export function requirementsFor(f: PrdFacts): Requirement[] {
  const out: Requirement[] = f.features.map((feat, i) => ({
    id: `FR-${i + 1}`,
    kind: 'FR',
    title: feat.name,
    source: feat.source,
    priority: i < 3 ? 'must' : i < 6 ? 'should' : 'could',
  }));
  const role = f.roles[0].toLowerCase();
  const nfr = (
    category: NfrCategory,
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

/**
 * The inventory of step 1's document, read as Archflow reads it: its `archflow-requirements` block
 * (the model's answer), else the table Archflow writes on disk; else the ids it mentions.
 */
export function requirementsFromUpstream(docs: RequestDocument[]): Requirement[] | undefined {
  const doc = upstream(docs, 1);
  if (!doc) return undefined;
  const block = blockBody(doc.text, 'archflow-requirements');
  const fromBlock = block === undefined ? [] : parseRequirementsJson(block).requirements;
  if (fromBlock.length > 0) return fromBlock;
  const fromTable = parseRequirementsTable(doc.text);
  if (fromTable.length > 0) return fromTable;
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
