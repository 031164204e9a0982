/** What a view's legend lists: the kinds of element it draws, boundaries, and the relationship style. */
import type { DiagramShape, DiagramView } from './types';

export interface LegendItem {
  kind:
    | 'person'
    | 'system'
    | 'container'
    | 'component'
    | 'infrastructure'
    | 'proposed'
    | 'boundary'
    | 'node'
    | 'relationship';
  shape?: DiagramShape;
  external?: boolean;
  label: string;
}

const ORDER = ['person', 'system', 'container', 'component', 'infrastructure'] as const;

/** The legend entries of `view`, in a fixed order, each kind once. */
export function legendItems(view: DiagramView): LegendItem[] {
  const items: LegendItem[] = [];
  const seen = new Set<string>();
  const add = (key: string, item: LegendItem): void => {
    if (seen.has(key)) return;
    seen.add(key);
    items.push(item);
  };
  for (const kind of ORDER) {
    for (const e of view.elements) {
      if (e.kind !== kind) continue;
      const name = {
        person: 'Person',
        system: 'Software system',
        container: view.kind === 'deployment' ? 'Container instance' : 'Container',
        component: 'Component',
        infrastructure: 'Infrastructure',
      }[kind];
      if (e.external) continue;
      const shapeName = e.shape === 'database' ? ' (data store)' : e.shape === 'queue' ? ' (queue)' : '';
      add(`${kind}:${e.shape}`, { kind, shape: e.shape, label: `${name}${shapeName}` });
    }
  }
  for (const e of view.elements) {
    if (!e.external) continue;
    add(`external:${e.shape}`, {
      kind: e.kind,
      shape: e.shape,
      external: true,
      label: `External ${e.kind === 'system' ? 'system' : e.kind}${e.shape === 'database' ? ' (data store)' : e.shape === 'queue' ? ' (queue)' : ''}`,
    });
  }
  if (view.elements.some((e) => e.assumption) || view.boundaries.some((b) => b.assumption)) {
    add('proposed', { kind: 'proposed', label: 'Proposed technology (an assumption)' });
  }
  for (const b of view.boundaries) {
    if (b.kind === 'node' || b.kind === 'environment') add('node', { kind: 'node', label: 'Deployment node' });
    else add('boundary', { kind: 'boundary', label: 'Boundary' });
  }
  if (view.relationships.length) add('relationship', { kind: 'relationship', label: 'Relationship (uses →)' });
  return items;
}
