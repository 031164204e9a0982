/**
 * What a reviewer reads must agree with c4-model.json: the `.mmd` view files (one per view of the model)
 * and the C4 diagram blocks embedded in the documents. Each disagreement names the file and the line.
 */
import { fencedBlocks } from '../markdown';
import type { C4Model } from '../model';
import { LAYOUT } from '../steps';
import { deploymentMermaid, deploymentViews } from './deploymentView';
import { blockDrawsView, renderC4Views } from './mermaid';
import { readMermaidC4 } from './mermaidParse';

/** One disagreement between a view a reviewer reads and the model. */
export interface ViewIssue {
  file: string;
  /** 1-based line of the file, where one can be named. */
  line?: number;
  message: string;
}

const DIAGRAMS = LAYOUT.c4Model.slice(0, LAYOUT.c4Model.lastIndexOf('/'));
const COMPONENT_PREFIX = LAYOUT.c4ComponentPrefix;

/** The view files a consistent model draws, with their text (what the C4 views writer writes). */
export function expectedViewFiles(model: C4Model): Map<string, string> {
  const files = new Map<string, string>();
  for (const v of renderC4Views(model)) {
    if (v.level === 2 && model.containers.length === 0) continue;
    files.set(v.file, v.text + '\n');
  }
  for (const d of deploymentViews(model)) files.set(d.file, deploymentMermaid(d));
  return files;
}

/** Text compared line by line without trailing spaces or line-ending differences. */
function lines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd());
}

/** The 1-based line where two texts first differ, or undefined when they agree. */
function firstDifference(actual: string, expected: string): number | undefined {
  const a = lines(actual);
  const e = lines(expected);
  while (a.length && a[a.length - 1] === '') a.pop();
  while (e.length && e[e.length - 1] === '') e.pop();
  const n = Math.max(a.length, e.length);
  for (let i = 0; i < n; i++) if (a[i] !== e[i]) return i + 1;
  return undefined;
}

/** Syntax errors and arrows to nothing of one C4 diagram text, at `offset` lines into `file`. */
function diagramProblems(file: string, text: string, offset: number): ViewIssue[] {
  const r = readMermaidC4(text);
  if (r.error && !r.error.notC4) {
    return [{ file, line: r.error.line + offset, message: `syntax error in the C4 diagram: ${r.error.message}` }];
  }
  return r.dangling.map((d) => ({ file, line: d.line + offset, message: d.message }));
}

/**
 * The view files on disk against the views of the model: a view file that is missing (deleted), one
 * that does not parse, one with a relationship to an element it does not define, one edited by hand
 * (differs from what the model draws), and a component view of a container the model does not detail.
 */
export function checkViewFiles(model: C4Model, onDisk: Readonly<Record<string, string>>): ViewIssue[] {
  const issues: ViewIssue[] = [];
  const expected = expectedViewFiles(model);
  for (const [file, text] of expected) {
    const actual = onDisk[file];
    if (actual === undefined) {
      issues.push({
        file,
        message: `${file} does not exist (deleted?): the model has this view; run the workflow again to regenerate it (no model call is needed)`,
      });
      continue;
    }
    const line = firstDifference(actual, text);
    if (line === undefined) continue;
    const problems = file.startsWith(LAYOUT.c4DeploymentPrefix) ? [] : diagramProblems(file, actual, 0);
    issues.push(
      ...(problems.length > 0
        ? problems
        : [
            {
              file,
              line,
              message: `differs from ${LAYOUT.c4Model} (edited by hand?): edit the model instead, or delete the file and run the workflow again to regenerate it`,
            },
          ]),
    );
  }
  for (const file of Object.keys(onDisk).sort()) {
    if (!file.startsWith(COMPONENT_PREFIX) || expected.has(file)) continue;
    issues.push({
      file,
      message: `draws a component view that ${LAYOUT.c4Model} does not have (no container of the model is detailed by it)`,
    });
  }
  return issues;
}

/**
 * The C4 diagram blocks embedded in documents: each must parse and every arrow must end at an element
 * of its diagram. In `generated` documents (ARCHITECTURE.md), a block that draws a view of the model
 * must also be that view as the model draws it now.
 */
export function checkEmbeddedViews(
  model: C4Model | undefined,
  documents: readonly { file: string; text: string; generated?: boolean }[],
): ViewIssue[] {
  const issues: ViewIssue[] = [];
  const views = model ? renderC4Views(model) : [];
  for (const doc of documents) {
    for (const b of fencedBlocks(doc.text)) {
      if (b.info !== 'mermaid' || !/^\s*C4(?:Context|Container|Component)\b/.test(b.body)) continue;
      // The body starts on the line after the opening fence.
      const offset = doc.text.slice(0, b.start).split('\n').length;
      const problems = diagramProblems(doc.file, b.body, offset);
      if (problems.length > 0) {
        issues.push(...problems);
        continue;
      }
      if (!doc.generated) continue;
      const view = views.find((v) => blockDrawsView(b.body, v));
      if (!view) continue;
      const line = firstDifference(b.body, view.text);
      if (line !== undefined) {
        issues.push({
          file: doc.file,
          line: line + offset,
          message: `the diagram block of "${view.title}" differs from ${LAYOUT.c4Model} (edited by hand?): run the workflow again to reassemble the document`,
        });
      }
    }
  }
  return issues;
}

/** "file:line: message" (or "file: message"), as reasons name a place. */
export function viewIssueText(i: ViewIssue): string {
  return i.message.startsWith(i.file) ? i.message : `${i.file}${i.line ? `:${i.line}` : ''}: ${i.message}`;
}

export { DIAGRAMS as DIAGRAMS_DIR };
