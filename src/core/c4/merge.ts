/** Combines the C4 blocks of step 2 (level 1) and step 3 (levels 2 and 3) into the one model. */
import type { C4Model, C4Relationship } from '../model';

/** What one block contributes (arrays it left out are absent). */
export type C4Part = Partial<C4Model>;

/** The kind of element an id names, as used in error sentences. */
type ElementKind = 'person' | 'software system' | 'container' | 'component';

/**
 * The model after step 2: its people, systems and relationships. Step 2 replaces level 1 wholesale and a
 * re-run of step 2 makes step 3 stale, so nothing of the previous model is kept (`_existing` is accepted
 * so callers need not special-case the first run). Containers and components step 2 chose to include
 * are kept, so its relationships to them still resolve.
 */
export function mergeLevel1(_existing: C4Model, part: C4Part): C4Model {
  return {
    people: [...(part.people ?? [])],
    systems: [...(part.systems ?? [])],
    containers: [...(part.containers ?? [])],
    components: [...(part.components ?? [])],
    relationships: dedupeRelationships(part.relationships ?? []),
  };
}

/**
 * Adds step 3's containers, components and relationships to the model step 2 left (`level1Model`; pass step
 * 2's result, not the stored full model, or a re-run of step 3 keeps what it no longer proposes).
 * Step 3 may repeat level-1 elements (step 2's version is kept: it must not rename them) and add external
 * people and systems it needs; a new system in scope, an id reused for another kind of element, or an id
 * defined twice is an error and that element is left out.
 */
export function mergeLevel23(level1Model: C4Model, part: C4Part): { model: C4Model; errors: string[] } {
  const errors: string[] = [];
  const kinds = new Map<string, ElementKind>();
  const fromStep2 = new Set<string>();
  const note = (id: string, kind: ElementKind): void => {
    if (!kinds.has(id)) kinds.set(id, kind);
    fromStep2.add(id);
  };
  level1Model.people.forEach((p) => note(p.id, 'person'));
  level1Model.systems.forEach((s) => note(s.id, 'software system'));
  level1Model.containers.forEach((c) => note(c.id, 'container'));
  level1Model.components.forEach((c) => note(c.id, 'component'));

  const model: C4Model = {
    people: [...level1Model.people],
    systems: [...level1Model.systems],
    containers: [...level1Model.containers],
    components: [...level1Model.components],
    relationships: [...level1Model.relationships],
  };
  const seenInPart = new Set<string>();

  /** Decides what to do with an element of the part: 'add', 'replace' (same kind, from step 2) or 'skip'. */
  const admit = (id: string, kind: ElementKind): 'add' | 'replace' | 'skip' => {
    if (seenInPart.has(id)) {
      errors.push(`${kind} "${id}" is defined twice; every id must be unique.`);
      return 'skip';
    }
    seenInPart.add(id);
    const existing = kinds.get(id);
    if (existing === undefined) {
      kinds.set(id, kind);
      return 'add';
    }
    if (existing !== kind) {
      const level = fromStep2.has(id) ? 'in the level-1 model' : 'in this block';
      errors.push(`${kind} "${id}": the id "${id}" is already a ${existing} ${level}; give the ${kind} a new id.`);
      return 'skip';
    }
    return 'replace';
  };

  for (const p of part.people ?? []) {
    // A repeated person is step 2's: step 3 must not rename what step 2 defined.
    if (admit(p.id, 'person') === 'add') model.people.push(p);
  }
  for (const s of part.systems ?? []) {
    const verdict = admit(s.id, 'software system');
    if (verdict !== 'add') continue;
    if (!s.external) {
      errors.push(
        `software system "${s.id}" is new in step 3, but the systems in scope come from step 2; ` +
          `put its containers in an existing system or mark it "external": true.`,
      );
      continue;
    }
    model.systems.push(s);
  }
  for (const c of part.containers ?? []) {
    const verdict = admit(c.id, 'container');
    if (verdict === 'add') model.containers.push(c);
    else if (verdict === 'replace') model.containers = model.containers.map((x) => (x.id === c.id ? c : x));
  }
  for (const c of part.components ?? []) {
    const verdict = admit(c.id, 'component');
    if (verdict === 'add') model.components.push(c);
    else if (verdict === 'replace') model.components = model.components.map((x) => (x.id === c.id ? c : x));
  }
  model.relationships = dedupeRelationships([...model.relationships, ...(part.relationships ?? [])]);
  return { model, errors };
}

/** Drops relationships that repeat an earlier one (same ends, same label ignoring case and spacing). */
export function dedupeRelationships(relationships: readonly C4Relationship[]): C4Relationship[] {
  const seen = new Set<string>();
  const out: C4Relationship[] = [];
  for (const r of relationships) {
    const key = `${r.from}\u0000${r.to}\u0000${r.label.trim().toLowerCase().replace(/\s+/g, ' ')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}
