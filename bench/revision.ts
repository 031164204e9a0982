/**
 * Revision against a full run (SPEC §2 "Revise, don't regenerate"): a full run, a one-line PRD
 * edit, then `design` again, which revises every step instead of writing it anew. Measured: the
 * input and output tokens of the revision run over those of the full run, and what each revision
 * request carries (its size, the current document, the PRD diff, the changed documents).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkflow } from '../src/core/factory';
import { silentLogger } from '../src/core/log';
import { generateAnswer } from '../test/fake-anthropic/responses';
import type { MessagesBody } from '../test/fake-anthropic/request';
import type { FakeAnthropic } from '../test/fake-anthropic/server';

interface Tokens {
  input: number;
  output: number;
}

/** What one step's revision request carried. */
interface RequestShape {
  step: number;
  /** Characters of the whole request (system and user blocks). */
  chars: number;
  /** Input tokens as the fake counted them (cache reads and writes included). */
  inputTokens: number;
  outputTokens: number;
  /** Characters of the revision part: current document, changes, revision prompt. */
  revisionChars: number;
  currentDocumentChars: number;
  prdDiffLines: number;
  changedDocuments: number;
  /** The answer sent only changed sections, or NO CHANGES; a replayed answer is the recorded full document. */
  answer: 'no changes' | `${number} section(s)` | 'full document (replayed)';
}

/** The one-line edit: a sentence appended to the first bullet line of the PRD (or its last line). */
export function oneLineEdit(prd: string): string {
  const lines = prd.split('\n');
  const at = lines.findIndex((l) => /^\s*[-*] \S/.test(l));
  const i = at >= 0 ? at : lines.length - 1;
  lines[i] = `${lines[i].trimEnd()} Exports are also offered as a monthly CSV file.`;
  return lines.join('\n');
}

function requestText(body: unknown): { all: string; revision: string } {
  const b = body as { system?: { text?: string }[]; messages?: { content: { text?: string }[] | string }[] };
  const texts: string[] = [...(b.system ?? []).map((x) => x.text ?? '')];
  for (const m of b.messages ?? []) {
    if (typeof m.content === 'string') texts.push(m.content);
    else for (const c of m.content) texts.push(c.text ?? '');
  }
  return { all: texts.join('\n'), revision: texts.find((t) => t.startsWith('# Revision of ')) ?? '' };
}

function shapeOf(step: number, body: unknown, usage: Tokens, replayed: boolean): RequestShape {
  const answer = replayed ? '' : generateAnswer(body as MessagesBody).text;
  const { all, revision } = requestText(body);
  const current = /<current-document[^>]*>\n([\s\S]*?)\n<\/current-document>/.exec(revision)?.[1] ?? '';
  const diff = /```diff\n([\s\S]*?)\n```/.exec(revision)?.[1];
  const changed = /## Documents that changed[^\n]*\n\n((?:- .*\n?)+)/.exec(revision)?.[1];
  const sections = (answer.match(/^## /gm) ?? []).length;
  return {
    step,
    chars: all.length,
    inputTokens: usage.input,
    outputTokens: usage.output,
    revisionChars: revision.length,
    currentDocumentChars: current.length,
    prdDiffLines: diff ? diff.split('\n').length : 0,
    changedDocuments: changed ? changed.trim().split('\n').length : 0,
    answer: replayed
      ? 'full document (replayed)'
      : answer.trim() === 'NO CHANGES'
        ? 'no changes'
        : `${sections} section(s)`,
  };
}

/** A full run, a one-line PRD edit and the revision run, on the fake at `fake.url`. */
export async function measureRevision(
  fake: FakeAnthropic,
  prd: string,
  repo: string,
  replayed = false,
): Promise<{ full: Tokens; revision: Tokens; ratios: Record<string, number>; requests: RequestShape[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-bench-rev-'));
  try {
    const prdCopy = path.join(dir, 'PRD.md');
    await fs.copyFile(prd, prdCopy);
    const engine = createWorkflow({
      outputDir: path.join(dir, 'docs', 'architecture'),
      prdPath: prdCopy,
      connection: { provider: 'anthropic', apiKey: 'bench-key', baseURL: fake.url },
      prompts: { builtinDir: path.join(repo, 'prompts') },
      settings: { model: 'claude-opus-5-5', maxTokens: 16000, concurrency: 1 },
      resolveConflict: async () => 'overwrite',
      log: silentLogger,
    });
    const run = async (): Promise<{ tokens: Tokens; usage: Map<number, Tokens> }> => {
      const tokens = { input: 0, output: 0 };
      const usage = new Map<number, Tokens>();
      const summary = await engine.run({
        steps: 'all',
        signal: new AbortController().signal,
        onEvent: (e) => {
          if (e.type !== 'step-done') return;
          const input = e.usage.input + e.usage.cacheRead + e.usage.cacheWrite;
          tokens.input += input;
          tokens.output += e.usage.output;
          usage.set(e.step, { input, output: e.usage.output });
        },
      });
      if (summary.failed.length) throw new Error(`bench revision run failed: ${JSON.stringify(summary.failed)}`);
      return { tokens, usage };
    };
    fake.reset();
    const full = await run();
    await fs.writeFile(prdCopy, oneLineEdit(await fs.readFile(prdCopy, 'utf8')));
    fake.reset();
    const revision = await run();
    const requests = fake.requests
      .filter((r) => typeof r.step === 'number')
      .map((r) => shapeOf(r.step!, r.body, revision.usage.get(r.step!) ?? { input: 0, output: 0 }, replayed));
    return {
      full: full.tokens,
      revision: revision.tokens,
      ratios: {
        revisionOutputOverFullRun: +(revision.tokens.output / full.tokens.output).toFixed(3),
        revisionInputOverFullRun: +(revision.tokens.input / full.tokens.input).toFixed(3),
      },
      requests,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * What a real model's revision answer would cost for the same one-line edit, estimated on the
 * real-model corpus (`../shared/corpus/<name>/`), in the revision format (docs/adr/0012): step 1
 * sends back the section holding its inventory, later steps each `##` section that cites the
 * requirement the edit belongs to: the section's prose whole, and of each structured block only
 * the items that cite it (a `changed-items` block). An upper bound (every citing section is sent,
 * though the prompt asks for the changed ones only), in characters of the recorded answers over the
 * characters of the whole answers; `wholeBlocks` is the same with every block sent whole.
 */
export async function corpusRevisionEstimate(corpusDir: string): Promise<
  | {
      requirement: string;
      ratio: number;
      wholeBlocks: number;
      perStep: { step: number; sections: number; chars: number; wholeBlockChars: number; of: number }[];
    }
  | undefined
> {
  const { fencedBlocks, splitSections } = await import('../src/core/markdown');
  const read = (f: string): Promise<string | undefined> =>
    fs.readFile(path.join(corpusDir, f), 'utf8').catch(() => undefined);
  const prd = await read('PRD.md');
  const answers: string[] = [];
  for (let n = 1; n <= 8; n++) {
    const a = await read(`answers/step-${n}.md`);
    if (a === undefined) return undefined;
    answers.push(a);
  }
  if (prd === undefined) return undefined;
  const before = prd.split('\n');
  const after = oneLineEdit(prd).split('\n');
  const edited = before.find((l, i) => l !== after[i]) ?? '';
  const words = (t: string): Set<string> => new Set(t.toLowerCase().match(/[a-z0-9]{4,}/g) ?? []);
  const want = words(edited);
  // The requirement the edited line belongs to: the FR whose title and source share most words with it.
  let best = { id: 'FR-1', score: -1 };
  for (const m of answers[0].matchAll(/"id":\s*"(FR-\d+)"[\s\S]*?"title":\s*"([^"]*)"[\s\S]*?"source":\s*"([^"]*)"/g)) {
    const score = [...words(`${m[2]} ${m[3]}`)].filter((w) => want.has(w)).length;
    if (score > best.score) best = { id: m[1], score };
  }
  const cites = new RegExp(`\\b${best.id}\\b`);
  /** A section as a `changed-items` answer sends it: prose whole, of each block the citing items. */
  const partialChars = (body: string): number => {
    const blocks = fencedBlocks(body).filter((b) => b.info.startsWith('archflow-'));
    let prose = body.length;
    let items = 0;
    for (const b of blocks) {
      prose -= b.end - b.start;
      try {
        const v = JSON.parse(b.body) as Record<string, unknown>;
        for (const list of Object.values(v)) {
          if (!Array.isArray(list)) continue;
          for (const item of list) if (cites.test(JSON.stringify(item))) items += JSON.stringify(item, null, 2).length;
        }
      } catch {
        items += b.end - b.start;
      }
    }
    return prose + items;
  };
  const perStep = answers.map((a, i) => {
    const sections = splitSections(a).sections;
    const sent =
      i === 0
        ? sections.filter((s) => /```archflow-requirements/.test(s.body))
        : sections.filter((s) => cites.test(s.body));
    return {
      step: i + 1,
      sections: sent.length,
      chars: sent.reduce((n, s) => n + s.title.length + 4 + partialChars(s.body), 0),
      wholeBlockChars: sent.reduce((n, s) => n + s.title.length + 4 + s.body.length, 0),
      of: a.length,
    };
  });
  const sum = (k: 'chars' | 'wholeBlockChars' | 'of'): number => perStep.reduce((n, s) => n + s[k], 0);
  return {
    requirement: best.id,
    ratio: +(sum('chars') / sum('of')).toFixed(3),
    wholeBlocks: +(sum('wholeBlockChars') / sum('of')).toFixed(3),
    perStep,
  };
}
