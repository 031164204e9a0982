/** The tool `archflow_get_c4_model`: the one C4 model, or one of its views as Mermaid text and/or JSON. */
import * as path from 'node:path';
import { type C4View, renderC4Views } from '../c4/mermaid';
import type { C4Model } from '../model';
import { LAYOUT, stepForC4Level, stepTitle } from '../steps';
import { readFolder } from './folder';
import { inputObject, optionalChoice, optionalString } from './input';
import { outputRelative } from './paths';
import { DATA_NOTICE, count, quote } from './text';
import { type ArchflowTool, ToolInputError } from './types';

type Format = 'json' | 'mermaid' | 'both';
const FORMATS: readonly Format[] = ['json', 'mermaid', 'both'];

/** The name a view is asked for by: context, container, component:<containerId>. */
export function viewId(v: C4View): string {
  if (v.containerId !== undefined) return `component:${v.containerId}`;
  if (v.file === LAYOUT.c4Context) return 'context';
  if (v.file === LAYOUT.c4Container) return 'container';
  return path.posix.basename(v.file, '.mmd');
}

/** The view the model asked for: by name, by container id, or by its file in the output folder. */
function findView(views: C4View[], given: string): C4View {
  const looksLikePath = /[\\/]|\.\.|\.mmd$/i.test(given);
  const wanted = looksLikePath ? outputRelative(given) : given;
  const found = views.find(
    (v) =>
      viewId(v) === wanted ||
      v.containerId === wanted ||
      v.file === wanted ||
      path.posix.basename(v.file) === wanted ||
      (wanted === 'component' && v.containerId !== undefined),
  );
  if (!found) {
    throw new ToolInputError(
      `There is no view "${given}". The views are: ${views.map((v) => `${viewId(v)} (${v.file})`).join(', ')}.`,
    );
  }
  return found;
}

/** The elements and relationships a view shows, as a part of the model. */
function viewElements(model: C4Model, v: C4View): Partial<C4Model> {
  const outer = new Set([...model.people.map((p) => p.id), ...model.systems.map((s) => s.id)]);
  if (v.containerId !== undefined) {
    const components = model.components.filter((c) => c.container === v.containerId);
    const ids = new Set(components.map((c) => c.id));
    return { components, relationships: model.relationships.filter((r) => ids.has(r.from) || ids.has(r.to)) };
  }
  if (v.file === LAYOUT.c4Context) {
    return {
      people: model.people,
      systems: model.systems,
      relationships: model.relationships.filter((r) => outer.has(r.from) && outer.has(r.to)),
    };
  }
  const shown = new Set([...outer, ...model.containers.map((c) => c.id)]);
  return {
    people: model.people,
    systems: model.systems,
    containers: model.containers,
    relationships: model.relationships.filter((r) => shown.has(r.from) && shown.has(r.to)),
  };
}

function jsonBlock(value: unknown): string {
  return '```json\n' + JSON.stringify(value, null, 2) + '\n```';
}

function mermaidBlock(text: string): string {
  return '```mermaid\n' + text.trim() + '\n```';
}

export const c4Tool: ArchflowTool<{ view?: string; format?: Format }> = {
  name: 'archflow_get_c4_model',
  title: 'C4 Model',
  userDescription: 'The C4 model of the architecture, or one view of it as Mermaid text.',
  description:
    `Returns the C4 model of the Archflow design (${LAYOUT.c4Model} in the output folder: people, software ` +
    'systems, containers, components and relationships; the single source of truth of the diagrams), or one ' +
    'of its views. Without "view": a summary, the list of views and the whole model as JSON. With "view" ' +
    '("context" = level 1 System Context, "container" = level 2, "component:<containerId>" = level 3 of one ' +
    'container, or a view file such as diagrams/c4-context.mmd): that view as Mermaid C4 text (the text of ' +
    'its .mmd file) and/or the elements it shows as JSON. "format": json, mermaid or both (default: json for ' +
    "the model, mermaid for a view). Use it to reason about the architecture's structure. Reads files only; " +
    'paths outside the output folder are refused.',
  referenceName: 'archflowC4',
  icon: '$(type-hierarchy)',
  inputSchema: {
    type: 'object',
    properties: {
      view: {
        type: 'string',
        description:
          'Which view: "context", "container", "component:<containerId>", or a view file relative to the output folder (diagrams/c4-component-<name>.mmd). Leave out for the whole model.',
      },
      format: {
        type: 'string',
        enum: [...FORMATS],
        description:
          'json (elements), mermaid (diagram text) or both. Default: json for the model, mermaid for a view.',
      },
    },
    additionalProperties: false,
  },
  writes: false,
  parse(raw) {
    const input = inputObject(raw, ['view', 'format']);
    return { view: optionalString(input, 'view', 300), format: optionalChoice(input, 'format', FORMATS) };
  },
  progressMessage: (input) => (input.view ? `Reading the C4 view ${input.view}` : 'Reading the C4 model'),
  async handle({ view, format }, ctx) {
    const { bundle } = await readFolder(ctx);
    const model = bundle.c4;
    if (!model) {
      if (view !== undefined && /[\\/]|\.\./.test(view)) outputRelative(view);
      return {
        text: `There is no C4 model in ${ctx.outputDir} yet (${LAYOUT.c4Model}): run ${stepTitle(stepForC4Level(1).id)} and ${stepTitle(stepForC4Level(2).id)}.`,
        data: { outputFolder: ctx.outputDir, modelFile: LAYOUT.c4Model, exists: false },
      };
    }
    const views = renderC4Views(model);
    const listed = views.map((v) => ({ id: viewId(v), level: v.level, title: v.title, file: v.file }));
    const counts = {
      people: model.people.length,
      systems: model.systems.length,
      containers: model.containers.length,
      components: model.components.length,
      relationships: model.relationships.length,
    };
    const base = { outputFolder: ctx.outputDir, modelFile: LAYOUT.c4Model, exists: true, counts, views: listed };
    const problems = bundle.c4Errors.length ? [`Problems in ${LAYOUT.c4Model}: ${bundle.c4Errors.join('; ')}`] : [];

    if (view === undefined) {
      const f = format ?? 'json';
      const lines = [
        `C4 model of ${ctx.outputDir} (${LAYOUT.c4Model}): ${count(counts.people, 'person', 'people')}, ` +
          `${count(counts.systems, 'software system')} (${model.systems.filter((s) => !s.external).length} in scope), ` +
          `${count(counts.containers, 'container')}, ${count(counts.components, 'component')}, ` +
          `${count(counts.relationships, 'relationship')}.`,
        ...problems,
        'Views:',
        ...views.map((v) => `- ${viewId(v)}: ${quote(v.title, 120)} (level ${v.level}, ${v.file})`),
      ];
      if (f !== 'mermaid') lines.push('', 'The model:', jsonBlock(model));
      if (f !== 'json') for (const v of views) lines.push('', `${viewId(v)}:`, mermaidBlock(v.text));
      lines.push(DATA_NOTICE);
      const data = {
        ...base,
        ...(f !== 'mermaid' ? { model } : {}),
        ...(f !== 'json' ? { mermaid: Object.fromEntries(views.map((v) => [viewId(v), v.text])) } : {}),
      };
      return { text: lines.join('\n'), data };
    }

    const v = findView(views, view);
    const f = format ?? 'mermaid';
    const elements = viewElements(model, v);
    const lines = [`View ${viewId(v)}: ${quote(v.title, 120)} (C4 level ${v.level}, ${v.file}).`, ...problems];
    if (f !== 'json') lines.push(mermaidBlock(v.text));
    if (f !== 'mermaid') lines.push('Elements shown:', jsonBlock(elements));
    lines.push(DATA_NOTICE);
    const shown = { id: viewId(v), level: v.level, title: v.title, file: v.file };
    return {
      text: lines.join('\n'),
      data: {
        ...base,
        view: { ...shown, ...(f !== 'json' ? { mermaid: v.text } : {}), ...(f !== 'mermaid' ? { elements } : {}) },
      },
    };
  },
};
