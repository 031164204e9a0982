/** The C4 consistency rules of SPEC §4, checked by code and reported as exit-criterion findings. */
import type { C4Model } from '../model';

/** The rule an issue breaks. */
export type C4Rule =
  | 'duplicate-id'
  | 'missing-level'
  | 'container-system'
  | 'component-container'
  | 'relationship-ends'
  | 'unused-external';

/** One broken rule: which element (an id, or the level's view name) and a sentence for users and the model. */
export interface C4Issue {
  rule: C4Rule;
  /** The diagram level the issue shows up in (1 context, 2 container, 3 component). */
  level: 1 | 2 | 3;
  element: string;
  message: string;
}

/** Options of `checkC4`. */
export interface C4CheckOptions {
  /** Check only levels up to this one (after step 2: 1). Default 3. */
  upToLevel?: 1 | 2 | 3;
}

/** The view names used as `element` for issues about a whole level. */
export const LEVEL_VIEWS = { 1: 'c4-context', 2: 'c4-container', 3: 'c4-component' } as const;

/** Checks the model against every consistency rule; an empty list means the views are complete and agree. */
export function checkC4(model: C4Model, options: C4CheckOptions = {}): C4Issue[] {
  const upTo = options.upToLevel ?? 3;
  const issues: C4Issue[] = [];
  const add = (rule: C4Rule, level: 1 | 2 | 3, element: string, message: string): void => {
    if (level <= upTo) issues.push({ rule, level, element, message });
  };

  // Unique ids across the whole model: the views use them as aliases, so a clash breaks a diagram.
  const owners = new Map<string, string[]>();
  const own = (id: string, what: string): void => {
    owners.set(id, [...(owners.get(id) ?? []), what]);
  };
  model.people.forEach((p) => own(p.id, 'a person'));
  model.systems.forEach((s) => own(s.id, 'a software system'));
  model.containers.forEach((c) => own(c.id, 'a container'));
  model.components.forEach((c) => own(c.id, 'a component'));
  for (const [id, list] of owners) {
    if (list.length > 1) {
      const level = model.components.some((c) => c.id === id) ? 3 : model.containers.some((c) => c.id === id) ? 2 : 1;
      add(
        'duplicate-id',
        level,
        id,
        `id "${id}" is used by ${list.length} elements (${list.join(', ')}); every id must be unique.`,
      );
    }
  }

  // Each level must exist.
  const inScope = model.systems.filter((s) => !s.external);
  if (inScope.length === 0) {
    add(
      'missing-level',
      1,
      LEVEL_VIEWS[1],
      'Level 1 has no software system in scope; mark the system being designed with "external": false.',
    );
  }
  if (model.containers.length === 0) {
    add('missing-level', 2, LEVEL_VIEWS[2], 'Level 2 has no containers; step 3 must add the containers of the system.');
  }
  if (model.components.length === 0) {
    add(
      'missing-level',
      3,
      LEVEL_VIEWS[3],
      'Level 3 has no components; detail at least one container with its components.',
    );
  }

  // Containers belong to systems in scope, components to containers.
  const systems = new Map(model.systems.map((s) => [s.id, s]));
  for (const c of model.containers) {
    const system = systems.get(c.system);
    if (!system) {
      add(
        'container-system',
        2,
        c.id,
        `container "${c.id}" belongs to "${c.system}", which is not a software system of level 1.`,
      );
    } else if (system.external) {
      add(
        'container-system',
        2,
        c.id,
        `container "${c.id}" belongs to external system "${c.system}"; only systems in scope are broken into containers.`,
      );
    }
  }
  const containerIds = new Set(model.containers.map((c) => c.id));
  for (const c of model.components) {
    if (!containerIds.has(c.container)) {
      add(
        'component-container',
        3,
        c.id,
        `component "${c.id}" belongs to "${c.container}", which is not a container of level 2.`,
      );
    }
  }

  // Relationships connect existing elements; they show at the level of their deepest end.
  const levelOf = new Map<string, 1 | 2 | 3>();
  model.people.forEach((p) => levelOf.set(p.id, 1));
  model.systems.forEach((s) => levelOf.set(s.id, 1));
  model.containers.forEach((c) => levelOf.set(c.id, 2));
  model.components.forEach((c) => levelOf.set(c.id, 3));
  for (const r of model.relationships) {
    const missing = [r.from, r.to].filter((id) => !levelOf.has(id));
    if (missing.length === 0) continue;
    const known = [r.from, r.to].map((id) => levelOf.get(id) ?? 1);
    const unknown = [...new Set(missing)];
    const names = unknown.map((id) => `"${id}"`).join(' and ');
    add(
      'relationship-ends',
      Math.max(...known) as 1 | 2 | 3,
      `${r.from}->${r.to}`,
      `relationship "${r.from}" → "${r.to}" ("${r.label}"): ${names} ${unknown.length > 1 ? 'are not elements' : 'is not an element'} of the model.`,
    );
  }

  // Every person and external system is used by something (people are always outside the system).
  const used = new Set<string>();
  for (const r of model.relationships) {
    if (r.from !== r.to) {
      used.add(r.from);
      used.add(r.to);
    }
  }
  for (const p of model.people) {
    if (!used.has(p.id)) {
      add('unused-external', 1, p.id, `person "${p.id}" is not used by any relationship; connect it or remove it.`);
    }
  }
  for (const s of model.systems) {
    if (s.external && !used.has(s.id)) {
      add(
        'unused-external',
        1,
        s.id,
        `external system "${s.id}" is not used by any relationship; connect it or remove it.`,
      );
    }
  }
  return issues;
}
