/** The C4 model a request carries: diagrams/c4-model.json, else the `archflow-c4` blocks of steps 2 and 3. */
import type { C4Component, C4Container, C4Model, C4Person, C4Relationship, C4System } from '../../../src/core/model';
import type { RequestDocument } from '../request';
import { mergeModels } from './c4Model';
import { parseBlock, upstream } from './documents';

function asArray<T>(x: unknown): T[] {
  return Array.isArray(x) ? (x as T[]) : [];
}

/** The arrays of a (possibly partial) C4 model object, each element checked for an id. */
function partialModel(x: unknown): C4Model | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const o = x as Record<string, unknown>;
  return {
    people: asArray<C4Person>(o.people).filter((p) => typeof p?.id === 'string'),
    systems: asArray<C4System>(o.systems).filter((s) => typeof s?.id === 'string'),
    containers: asArray<C4Container>(o.containers).filter((c) => typeof c?.id === 'string'),
    components: asArray<C4Component>(o.components).filter((c) => typeof c?.id === 'string'),
    relationships: asArray<C4Relationship>(o.relationships).filter(
      (r) => typeof r?.from === 'string' && typeof r?.to === 'string',
    ),
  };
}

/** The C4 model the request carries: diagrams/c4-model.json, else the blocks of steps 2 and 3. */
export function modelFromRequest(docs: RequestDocument[]): C4Model | undefined {
  // The file, or its parts (one document per part, each a partial model): merged.
  const files = docs.filter((d) => d.name === 'diagrams/c4-model.json' || d.name.endsWith('c4-model.json'));
  if (files.length) {
    try {
      const objects = files.map((f) => JSON.parse(f.text.replace(/^```[a-z-]*\n|\n```\s*$/g, '')) as object);
      const m = partialModel(
        objects.reduce<Record<string, unknown>>((all, o) => {
          for (const [k, v] of Object.entries(o)) {
            all[k] = Array.isArray(v) && Array.isArray(all[k]) ? [...(all[k] as unknown[]), ...v] : v;
          }
          return all;
        }, {}),
      );
      if (m && m.systems.length > 0) return m;
    } catch {
      // fall through to the step documents
    }
  }
  const doc2 = upstream(docs, 2);
  const level1 = doc2 ? partialModel(parseBlock(doc2.text, 'archflow-c4')) : undefined;
  if (!level1 || level1.systems.length === 0) return undefined;
  const doc3 = upstream(docs, 3);
  const level23 = doc3 ? partialModel(parseBlock(doc3.text, 'archflow-c4')) : undefined;
  return level23 ? mergeModels(level1, level23) : level1;
}
