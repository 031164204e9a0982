/**
 * `archflow export <dir>`: every C4 view of an output folder as a standalone SVG beside its `.mmd`
 * file, drawn by the same renderer as the preview (layout, shapes, legend, light palette). PNG needs a
 * rasteriser, which the CLI does not ship (docs/adr/0005): the preview and its command export PNG.
 */
import { deploymentViews } from '../core/c4/deploymentView';
import { renderC4Views } from '../core/c4/mermaid';
import { readSnapshot } from '../core/snapshot';
import { ArtifactStore } from '../core/store';
import { layoutView } from '../shared/diagram/layout';
import { exportSvg } from '../shared/diagram/svg';

/** One written file with how long its layout and drawing took. */
export interface ExportedView {
  file: string;
  elements: number;
  ms: number;
}

/** Writes `diagrams/<view>.svg` for every view of the C4 model in `dir`; throws when there is no model. */
export async function exportSvgViews(dir: string): Promise<ExportedView[]> {
  const { bundle } = await readSnapshot(dir, { always: true });
  if (!bundle?.c4) {
    const why = bundle?.c4Errors.length ? `: ${bundle.c4Errors.join('; ')}` : '';
    throw new Error(`${dir} has no readable C4 model (diagrams/c4-model.json)${why}. Run steps 2 and 3 first.`);
  }
  const store = new ArtifactStore(dir);
  const out: ExportedView[] = [];
  const views = [...renderC4Views(bundle.c4), ...deploymentViews(bundle.c4)];
  for (const view of views) {
    if (view.elements.length === 0) continue;
    const started = performance.now();
    const svg = exportSvg(layoutView(view));
    const ms = Math.round(performance.now() - started);
    const file = view.file.replace(/\.mmd$/, '.svg');
    await store.write(file, svg);
    out.push({ file, elements: view.elements.length, ms });
  }
  return out;
}
