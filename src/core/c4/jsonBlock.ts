/** Helpers shared by the parsers of structured blocks (`archflow-c4`, `archflow-adrs`): JSON with useful errors. */

/** At most this many error sentences are kept: a repair prompt with hundreds of lines helps nobody. */
export const MAX_ERRORS = 40;

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as it appears in an error sentence: JSON-quoted, on one line, shortened. */
export function show(value: unknown, max = 40): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Keeps the first `max` errors and says how many were left out. */
export function capErrors(errors: string[], max = MAX_ERRORS): string[] {
  if (errors.length <= max) return errors;
  return [...errors.slice(0, max), `… and ${errors.length - max} more errors`];
}

/**
 * Parses the JSON of a structured block. A syntax error becomes one sentence naming the line it is on
 * (SPEC §4: a malformed block is shown with the offending line). A stray code fence around the JSON
 * and a byte-order mark are tolerated, as models and editors add them.
 */
export function parseBlockJson(text: string, block: string): { value?: unknown; error?: string } {
  const body = unfence(text.replace(/^\uFEFF/, ''));
  if (body.trim() === '') return { error: `The ${block} block is empty; it must contain one JSON object.` };
  try {
    return { value: JSON.parse(body) };
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e))
      // V8 appends a quoted excerpt or a position; the line we add says it better.
      .replace(/,\s*(?:\.\.\.)?".*$/s, '')
      .replace(/\s*(?:in JSON )?at position \d+.*$/s, '')
      .replace(/\s*\(line \d+ column \d+\)/, '');
    return {
      error:
        `The ${block} block is not valid JSON (${reason})${whereInJson(body)}; write one JSON object with ` +
        `double-quoted keys and strings, no comments and no trailing commas.`,
    };
  }
}

/** " at line 3: `…`" naming the line where a JSON syntax error is, or "" when it cannot be placed. */
function whereInJson(body: string): string {
  const offset = jsonErrorOffset(body);
  if (offset === undefined) return '';
  const lines = body.split('\n');
  let line = Math.min(body.slice(0, offset).split('\n').length, lines.length);
  // An error at the end of the input is best shown on the last line that has something on it.
  while (line > 1 && lines[line - 1].trim() === '') line--;
  const source = lines[line - 1].trim().replace(/`/g, "'");
  const shown = source.length > 80 ? `${source.slice(0, 79)}…` : source;
  return ` at line ${line}: \`${shown}\``;
}

/**
 * The offset of the first JSON syntax error in `text`, or undefined if there is none. V8's messages give
 * a position only for some errors, so this small scanner (run only after JSON.parse failed) finds it.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    i++; // opening quote
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') {
        i++;
        return;
      }
      if (ch < ' ') fail();
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else fail();
      } else i++;
    }
    fail();
  };
  const number = (): void => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail();
    else i += m[0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail();
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail();
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (e) {
    if (e instanceof JsonSyntaxAt) return e.offset;
    throw e;
  }
}

class JsonSyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}

/** Drops a ```-fence around the text, if there is one. */
function unfence(text: string): string {
  const m = /^\s*(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n\s*\1\s*$/.exec(text);
  return m ? m[2] : text;
}

/** Reads the fields of one object of a block, naming it in every error sentence (`container "orderDb": …`). */
export class FieldReader {
  /** False once any error was recorded for this object. */
  ok = true;

  constructor(
    private readonly item: Record<string, unknown>,
    private label: string,
    private readonly errors: string[],
  ) {}

  /** Records an error about this object; returns undefined so callers can `return f.fail(…)`. */
  fail(message: string): undefined {
    this.ok = false;
    this.errors.push(`${this.label}: ${message}`);
    return undefined;
  }

  /** Names the object differently in later errors, e.g. once its id is known. */
  rename(label: string): void {
    this.label = label;
  }

  /** Adds detail to the object's name in later errors, e.g. a relationship's ends. */
  append(detail: string): void {
    this.label = `${this.label} ${detail}`;
  }

  /** The raw value of a field. */
  raw(field: string): unknown {
    return this.item[field];
  }

  /** A required, non-empty string (trimmed). */
  string(field: string): string | undefined {
    const value = this.item[field];
    if (value === undefined || value === null) return this.fail(`"${field}" is missing.`);
    if (typeof value !== 'string') return this.fail(`"${field}" must be a string, not ${show(value)}.`);
    if (value.trim() === '') return this.fail(`"${field}" is empty.`);
    return value.trim();
  }

  /** An optional string (trimmed); missing or null is "". */
  optionalString(field: string): string {
    const value = this.item[field];
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') {
      this.fail(`"${field}" must be a string, not ${show(value)}.`);
      return '';
    }
    return value.trim();
  }

  /** A boolean; `fallback` when missing, an error when missing without a fallback. */
  boolean(field: string, fallback?: boolean): boolean | undefined {
    const value = this.item[field];
    if (value === undefined || value === null) {
      return fallback !== undefined ? fallback : this.fail(`"${field}" is missing (true or false).`);
    }
    if (typeof value !== 'boolean') return this.fail(`"${field}" must be true or false, not ${show(value)}.`);
    return value;
  }
}

/** An assumption id (`A-501`), as elements cite the assumption their technology rests on. */
const ASSUMPTION_ID = /^A-\d+$/;

/** An optional `assumption` field: an assumption id or nothing. */
export function readAssumption(f: FieldReader): string | undefined {
  const value = f.optionalString('assumption');
  if (value === '') return undefined;
  if (!ASSUMPTION_ID.test(value)) {
    f.fail(`"assumption" must be the id of an assumption such as "A-301", not ${show(value)}.`);
    return undefined;
  }
  return value;
}
