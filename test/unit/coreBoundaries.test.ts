/**
 * Rules of the core's source that code review alone would let slip: no step's number decides
 * behaviour outside the step table, and no host's words (commands, settings, flags) in the core.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/paths';

const CORE = path.join(repoRoot, 'src', 'core');

/** Every .ts file under src/core, relative to the repository. */
function coreFiles(dir = CORE): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return coreFiles(p);
    return e.name.endsWith('.ts') ? [path.relative(repoRoot, p).split(path.sep).join('/')] : [];
  });
}

/** A line without its `//` comment; block-comment lines are blank. */
function codeOf(line: string): string {
  const t = line.trimStart();
  if (t.startsWith('*') || t.startsWith('/*') || t.startsWith('//')) return '';
  return line.replace(/\s\/\/ .*$/, '');
}

/** `file:line: text` for each line of `text` that matches a pattern (code only when `codeOnly`). */
function scan(file: string, text: string, patterns: readonly RegExp[], codeOnly: boolean): string[] {
  return text.split('\n').flatMap((line, i) => {
    const code = codeOnly ? codeOf(line) : line;
    return patterns.some((p) => p.test(code)) ? [`${file}:${i + 1}: ${line.trim()}`] : [];
  });
}

const STEP_WORDS = String.raw`(?:\bid|\bstep|\bstepId|\.id|\.step)`;
const COMPARE = String.raw`(?:===|!==|==|!=|>=|<=|>|<)`;

/** A step's number deciding behaviour: compared, used as an index, passed to a step lookup, a switch case. */
const STEP_NUMBER_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`${STEP_WORDS}\s*${COMPARE}\s*\d`),
  new RegExp(String.raw`\b\d+\s*${COMPARE}\s*${STEP_WORDS}\b`),
  /\b(?:documents|steps|STEPS|STEP_IDS|needs)\[\d+\]/,
  /\b(?:stepById|stepTitle|upstreamOf|downstreamOf|currentInputs)\(\s*\d+\s*[,)]/,
  /\bcase\s+\d+\s*:/,
];

/** Words of a host: command titles, setting keys, CLI flags and commands, the environment the hosts read. */
const HOST_WORD_PATTERNS: readonly RegExp[] = [
  /Archflow: /,
  /\barchflow\.(?!json\b|lock\b)[A-Za-z]/,
  /(?:^|[\s'"`(])--[a-z][a-z-]*[a-z]/,
  /\barchflow (?:design|status|check|approve)\b/,
  /\bANTHROPIC_[A-Z_]+/,
];

test('no literal step number decides behaviour in src/core outside steps.ts', () => {
  const hits = coreFiles()
    .filter((f) => f !== 'src/core/steps.ts')
    .flatMap((f) => scan(f, readFileSync(path.join(repoRoot, f), 'utf8'), STEP_NUMBER_PATTERNS, true));
  assert.deepEqual(hits, [], `ask the step table instead:\n${hits.join('\n')}`);
});

test('src/core names no host command, setting, CLI flag or environment variable', () => {
  const hits = coreFiles().flatMap((f) =>
    scan(f, readFileSync(path.join(repoRoot, f), 'utf8'), HOST_WORD_PATTERNS, false),
  );
  assert.deepEqual(hits, [], `return a kind with facts and let the host word it:\n${hits.join('\n')}`);
});

test('the scans find what they look for', () => {
  const planted = [
    'if (id === 8) return;',
    'const review = bundle.documents[6];',
    'const ok = s.id >= 2 && s.id <= 7;',
    'title: stepTitle(2),',
    'if (parsed.step === 3) x();',
    'case 4:',
    '// a comment about step 3: if (id === 3) is fine here',
  ].join('\n');
  assert.deepEqual(
    scan('planted.ts', planted, STEP_NUMBER_PATTERNS, true).map((h) => h.split(':')[1]),
    ['1', '2', '3', '4', '5', '6'],
  );
  const words = [
    '\'Set one with "Archflow: Set API Key"\'',
    "'Raise archflow.maxTokens'",
    "'or --max-tokens'",
    "'run `archflow approve`'",
    "'the ANTHROPIC_API_KEY variable'",
    "'recorded in archflow.json and .archflow.lock'",
    "'graph A --> B'",
  ].join('\n');
  assert.deepEqual(
    scan('planted.ts', words, HOST_WORD_PATTERNS, false).map((h) => h.split(':')[1]),
    ['1', '2', '3', '4', '5'],
  );
});
