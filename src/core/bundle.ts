/** The design as it is on disk (hand edits included): what assembly and the exit criteria read. */
import { parseAdrFile } from './adr/render';
import { isAdrFileName } from './adr/slug';
import { readDeployment } from './c4/deployment';
import { isRecord } from './c4/jsonBlock';
import { parseC4Json } from './c4/parse';
import { DIAGRAMS_DIR } from './c4/viewFiles';
import { parseFindingsTable } from './findings';
import type { AdrRecord, C4Model, Finding, Requirement } from './model';
import { type Addition, type Definition, parseAdditionsSection, registerDefinitions } from './register';
import { parseRequirementsTable } from './requirements';
import { type ArchflowState, loadState } from './state';
import { LAYOUT, STEPS, type StepId, stepWithBlock } from './steps';
import type { FolderReader } from './store';

/** One ADR file as read from disk. */
export interface AdrFile {
  file: string;
  text: string;
  record: Partial<AdrRecord>;
  /** Required fields that are absent or empty. */
  missing: string[];
}

export interface Bundle {
  state: ArchflowState;
  /** Step documents that exist, by step. */
  documents: Partial<Record<StepId, string>>;
  requirements: Requirement[];
  /** The C4 model file, parsed; undefined when absent. */
  c4?: C4Model;
  /** Why c4-model.json could not be used, when it exists but is broken. */
  c4Errors: string[];
  findings: Finding[];
  /** The assumptions, risks and open questions the design steps added, in step order. */
  additions: Addition[];
  /** Where each register id (`G-n`, `C-n`, `A-n`, `R-n`, `Q-n`) is defined in the step documents. */
  definitions: Definition[];
  adrs: AdrFile[];
  adrIndex?: string;
  architecture?: string;
  /** The `.mmd` view files in the diagrams folder, by path relative to the output folder (absent in hand-built bundles). */
  viewFiles?: Record<string, string>;
}

/** The ADR files that have a number, as full records (absent fields empty), for the index. */
export function adrRecordsOf(bundle: Bundle): AdrRecord[] {
  return bundle.adrs
    .filter((a) => typeof a.record.number === 'number')
    .map((a) => ({
      key: '',
      title: '',
      status: 'proposed',
      context: '',
      decision: '',
      consequences: { positive: [], negative: [] },
      alternatives: [],
      requirements: [],
      elements: [],
      date: '',
      ...a.record,
      number: a.record.number as number,
      file: a.file,
    }));
}

/** The C4 model file's text as a model (absent arrays empty) and why it cannot be used, if it cannot. */
export function parseC4File(text: string): { model: C4Model; errors: string[] } {
  const r = parseC4Json(text);
  const model: C4Model = {
    people: r.model.people ?? [],
    systems: r.model.systems ?? [],
    containers: r.model.containers ?? [],
    components: r.model.components ?? [],
    relationships: r.model.relationships ?? [],
  };
  const errors = [...r.errors];
  // The deployment view is a part of the file only (no block carries it next to the C4 levels).
  const raw = deploymentPart(text);
  if (raw !== undefined && raw !== null) {
    const d = readDeployment(raw);
    if (d.deployment) model.deployment = d.deployment;
    errors.push(...d.errors.map((e) => `deployment: ${e}`));
  }
  return { model, errors: errors.map((e) => `${LAYOUT.c4Model}: ${e}`) };
}

/** The `deployment` member of the model file's JSON, if the file is a JSON object. */
function deploymentPart(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return isRecord(value) ? value.deployment : undefined;
  } catch {
    return undefined;
  }
}

/** Reads every file of the design from the output folder. */
export async function loadBundle(store: FolderReader): Promise<Bundle> {
  const state = await loadState(store);
  const documents: Partial<Record<StepId, string>> = {};
  for (const s of STEPS) {
    const text = await store.read(s.document);
    if (text !== undefined) documents[s.id] = text;
  }
  let c4: C4Model | undefined;
  const c4Errors: string[] = [];
  const c4Text = await store.read(LAYOUT.c4Model);
  if (c4Text !== undefined) {
    const r = parseC4File(c4Text);
    c4 = r.model;
    c4Errors.push(...r.errors);
  }
  const adrs: AdrFile[] = [];
  for (const name of (await store.list(LAYOUT.adrDir)).filter((n) => isAdrFileName(`${LAYOUT.adrDir}/${n}`)).sort()) {
    const file = `${LAYOUT.adrDir}/${name}`;
    const text = (await store.read(file)) ?? '';
    const parsed = parseAdrFile(text, file);
    adrs.push({ file, text, record: parsed.record ?? {}, missing: parsed.missing });
  }
  const viewFiles: Record<string, string> = {};
  for (const name of (await store.list(DIAGRAMS_DIR)).filter((n) => n.endsWith('.mmd')).sort()) {
    const text = await store.read(`${DIAGRAMS_DIR}/${name}`);
    if (text !== undefined) viewFiles[`${DIAGRAMS_DIR}/${name}`] = text;
  }
  const inventory = documents[stepWithBlock('requirements').id];
  const review = documents[stepWithBlock('findings').id];
  const additions: Addition[] = [];
  const definitions: Definition[] = [];
  for (const s of STEPS) {
    const text = documents[s.id];
    if (text === undefined) continue;
    if (s.blocks.includes('additions')) additions.push(...parseAdditionsSection(text, s.id));
    // The inventory defines its goals, constraints and questions in lists as well as tables.
    definitions.push(...registerDefinitions(text, s.document, s.blocks.includes('requirements')));
  }
  return {
    state,
    documents,
    requirements: inventory ? parseRequirementsTable(inventory) : [],
    c4,
    c4Errors,
    findings: review ? parseFindingsTable(review) : [],
    additions,
    definitions,
    adrs,
    adrIndex: await store.read(LAYOUT.adrIndex),
    architecture: await store.read(LAYOUT.architecture),
    viewFiles,
  };
}
