/** Every derived file, in the order they are built (ARCHITECTURE.md last: it reads the others). */
import { adrIndexFile } from './adrIndex';
import { architectureFile } from './architecture';
import { c4ViewFiles } from './c4Views';
import type { Bundle } from '../bundle';
import type { WorkflowView } from '../events';
import { LAYOUT } from '../steps';
import type { FolderReader } from '../store';
import type { DerivedWriter } from './types';
import { hashText } from '../hash';
import { loadState } from '../state';

/** The writers a run ends with. A new derived file is a writer here. */
export const DERIVED_WRITERS: readonly DerivedWriter[] = [c4ViewFiles, adrIndexFile, architectureFile];

/**
 * The derived files a folder should have and does not (a deleted `.mmd`, ADR index or ARCHITECTURE.md):
 * the next run writes them again without calling the model. Empty when no step is done yet.
 */
export async function missingDerivedFiles(
  store: FolderReader,
  bundle: Bundle,
  view: WorkflowView,
  prdName: string,
): Promise<string[]> {
  if (!view.steps.some((s) => s.status === 'done' || s.status === 'stale')) return [];
  const missing: string[] = [];
  for (const writer of DERIVED_WRITERS) {
    // ARCHITECTURE.md is always written: no need to assemble it to know its name.
    const files =
      writer === architectureFile
        ? [LAYOUT.architecture]
        : [...(await writer.produce({ bundle, view, prdName, list: (dir) => store.list(dir) })).files.keys()];
    for (const rel of files) if ((await store.read(rel)) === undefined) missing.push(rel);
  }
  return missing;
}

/**
 * The files a writer replaced or no longer draws that are still there holding a version Archflow wrote
 * (the single `c4-deployment.mmd` of before the views per environment, a component view of a container
 * gone): the next run removes them, with no model call. A file the user edited is not listed: it stays.
 */
export async function obsoleteDerivedFiles(
  store: FolderReader,
  bundle: Bundle,
  view: WorkflowView,
  prdName: string,
): Promise<string[]> {
  if (!view.steps.some((s) => s.status === 'done' || s.status === 'stale')) return [];
  const state = await loadState(store);
  const out: string[] = [];
  for (const writer of DERIVED_WRITERS) {
    if (writer === architectureFile) continue;
    const produced = await writer.produce({ bundle, view, prdName, list: (dir) => store.list(dir) });
    for (const rel of produced.obsolete ?? []) {
      const text = await store.read(rel);
      if (text !== undefined && (state.files[rel]?.hashes ?? []).includes(hashText(text))) out.push(rel);
    }
  }
  return out;
}
