/** Parses and validates the JSON of an `archflow-adrs` block (step 8; model output, checked field by field). */
import type { AdrDraft, AdrStatus } from '../model';
import { C4_ID_PATTERN } from '../c4/parse';
import { capErrors, FieldReader, isRecord, parseBlockJson, show } from '../c4/jsonBlock';

/** Decision keys: lowercase letters and digits in hyphen-separated words. */
export const ADR_KEY_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Requirement ids of the step-1 inventory. */
export const REQUIREMENT_ID_PATTERN = /^(FR|NFR)-\d+$/;

/** The statuses an ADR may have. */
export const ADR_STATUSES: readonly AdrStatus[] = ['proposed', 'accepted', 'deprecated', 'superseded'];

/** Longest key accepted; keys are identities, not prose. */
const MAX_KEY_LENGTH = 64;

/** A status as written by a model or a person ("Accepted", "Superseded by 0004"); undefined if unknown. */
export function normalizeAdrStatus(value: string): AdrStatus | undefined {
  const word = value
    .trim()
    .toLowerCase()
    .split(/[\s:(]/)[0];
  return ADR_STATUSES.find((s) => s === word);
}

/** A decision key as a model may write it ("Architecture Style"), normalized; validate with ADR_KEY_PATTERN. */
export function normalizeAdrKey(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

/** Parses the text of an `archflow-adrs` block; ADRs with errors are left out and described in `errors`. */
export function parseAdrJson(text: string): { adrs: AdrDraft[]; errors: string[] } {
  const parsed = parseBlockJson(text, 'archflow-adrs');
  if (parsed.error !== undefined) return { adrs: [], errors: [parsed.error] };
  const root = parsed.value;
  if (!isRecord(root) || !Array.isArray(root.adrs)) {
    return { adrs: [], errors: ['The archflow-adrs block must contain one JSON object {"adrs": [ … ]}.'] };
  }
  const errors: string[] = [];
  if (root.adrs.length === 0) errors.push('"adrs" is empty; record at least one decision.');
  const adrs: AdrDraft[] = [];
  const keys = new Set<string>();
  root.adrs.forEach((item: unknown, i: number) => {
    if (!isRecord(item)) {
      errors.push(`ADR #${i + 1} must be a JSON object, not ${show(item)}.`);
      return;
    }
    const f = new FieldReader(item, `ADR #${i + 1}`, errors);
    const draft = readAdr(f);
    if (draft === undefined || !f.ok) return;
    if (keys.has(draft.key)) {
      errors.push(`ADR "${draft.key}" is defined twice; every decision needs its own key.`);
      return;
    }
    keys.add(draft.key);
    adrs.push(draft);
  });
  // A superseded decision must name its successor, here or through the successor's "supersedes".
  for (const adr of adrs) {
    if (adr.status === 'superseded' && !adr.supersededBy && !adrs.some((a) => a.supersedes === adr.key)) {
      errors.push(`ADR "${adr.key}": status is "superseded" but "supersededBy" does not name the successor's key.`);
    }
  }
  return { adrs, errors: capErrors(errors) };
}

function readAdr(f: FieldReader): AdrDraft | undefined {
  const key = readKey(f, 'key', true);
  if (key) f.rename(`ADR "${key}"`);
  const title = f.string('title');
  const status = readStatus(f);
  const context = f.string('context');
  const decision = f.string('decision');
  const consequences = readConsequences(f);
  const alternatives = readAlternatives(f);
  const requirements = readRequirements(f);
  const elements = readElements(f);
  const supersedes = readKey(f, 'supersedes', false);
  const supersededBy = readKey(f, 'supersededBy', false);
  if (key && (supersedes === key || supersededBy === key)) f.fail('a decision cannot supersede itself.');
  if (
    !key ||
    !title ||
    !status ||
    !context ||
    !decision ||
    !consequences ||
    !alternatives ||
    !requirements ||
    !elements
  ) {
    return undefined;
  }
  return {
    key,
    title: title.replace(/\s+/g, ' '),
    status,
    context,
    decision,
    consequences,
    alternatives,
    requirements,
    elements,
    supersedes: supersedes ?? null,
    supersededBy: supersededBy ?? null,
  };
}

/** A decision key; `required` for "key", optional (null) for the supersede links. */
function readKey(f: FieldReader, field: string, required: boolean): string | undefined {
  const value = f.raw(field);
  if (!required && (value === undefined || value === null || value === '')) return undefined;
  const text = f.string(field);
  if (text === undefined) return undefined;
  const key = normalizeAdrKey(text);
  if (!ADR_KEY_PATTERN.test(key) || key.length > MAX_KEY_LENGTH) {
    return f.fail(
      `"${field}" ${show(text)} is not a decision key; use lowercase letters, digits and hyphens, at most ${MAX_KEY_LENGTH} characters (e.g. "architecture-style").`,
    );
  }
  return key;
}

function readStatus(f: FieldReader): AdrStatus | undefined {
  const text = f.string('status');
  if (text === undefined) return undefined;
  return normalizeAdrStatus(text) ?? f.fail(`"status" ${show(text)} is not one of ${ADR_STATUSES.join(', ')}.`);
}

/** A non-empty list of non-empty strings; a single string is taken as a list of one. */
function stringList(f: FieldReader, value: unknown, field: string): string[] | undefined {
  const list = typeof value === 'string' ? [value] : value;
  if (list === undefined || list === null) return f.fail(`"${field}" is missing.`);
  if (!Array.isArray(list)) return f.fail(`"${field}" must be an array of strings, not ${show(list)}.`);
  const out: string[] = [];
  for (const entry of list) {
    if (typeof entry !== 'string' || entry.trim() === '') {
      return f.fail(`"${field}" has an entry that is not a non-empty string: ${show(entry)}.`);
    }
    out.push(entry.trim());
  }
  if (out.length === 0) return f.fail(`"${field}" needs at least one entry.`);
  return out;
}

function readConsequences(f: FieldReader): AdrDraft['consequences'] | undefined {
  const value = f.raw('consequences');
  if (value === undefined || value === null) return f.fail('"consequences" is missing.');
  if (!isRecord(value)) return f.fail('"consequences" must be an object {"positive": [...], "negative": [...]}.');
  const positive = stringList(f, value.positive, 'consequences.positive');
  const negative = stringList(f, value.negative, 'consequences.negative');
  return positive && negative ? { positive, negative } : undefined;
}

function readAlternatives(f: FieldReader): AdrDraft['alternatives'] | undefined {
  const value = f.raw('alternatives');
  if (value === undefined || value === null) return f.fail('"alternatives" is missing.');
  if (!Array.isArray(value)) return f.fail('"alternatives" must be an array of {"option", "rejectedBecause"}.');
  if (value.length === 0) return f.fail('"alternatives" needs at least one alternative considered.');
  const out: AdrDraft['alternatives'] = [];
  let ok = true;
  value.forEach((entry: unknown, i: number) => {
    const where = `alternatives[${i + 1}]`;
    if (!isRecord(entry)) {
      ok = false;
      f.fail(`"${where}" must be an object {"option", "rejectedBecause"}.`);
      return;
    }
    const option = typeof entry.option === 'string' ? entry.option.trim() : '';
    const rejectedBecause = typeof entry.rejectedBecause === 'string' ? entry.rejectedBecause.trim() : '';
    if (!option) f.fail(`"${where}.option" is missing.`);
    if (!rejectedBecause) f.fail(`"${where}.rejectedBecause" is missing; say why the option was rejected.`);
    if (!option || !rejectedBecause) ok = false;
    else out.push({ option, rejectedBecause });
  });
  return ok ? out : undefined;
}

function readRequirements(f: FieldReader): string[] | undefined {
  const list = stringList(f, f.raw('requirements'), 'requirements');
  if (!list) return undefined;
  const ids = list.map((id) => id.toUpperCase());
  const bad = ids.filter((id) => !REQUIREMENT_ID_PATTERN.test(id));
  if (bad.length > 0) {
    return f.fail(
      `"requirements" has ${bad.map((b) => show(b)).join(', ')}; use requirement ids such as FR-3 or NFR-1.`,
    );
  }
  return [...new Set(ids)];
}

function readElements(f: FieldReader): string[] | undefined {
  const value = f.raw('elements');
  // Optional: some decisions (process, tooling) touch no C4 element.
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return f.fail(`"elements" must be an array of C4 element ids, not ${show(value)}.`);
  const ids: string[] = [];
  for (const entry of value) {
    const id = typeof entry === 'string' ? entry.trim().replace(/^`|`$/g, '') : '';
    if (!C4_ID_PATTERN.test(id)) return f.fail(`"elements" has ${show(entry)}, which is not a C4 element id.`);
    ids.push(id);
  }
  return [...new Set(ids)];
}
