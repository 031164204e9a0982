/** Answers that cannot break the bundle: control characters, a fence around the document, a fence left open. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeOpenFence, unclosedFenceLine, unwrapDocument, withoutControlChars } from '../../src/core/answerText';
import { parseStepOutput } from '../../src/core/stepOutput';
import { stepById } from '../../src/core/steps';

/** A valid step-4 document (it has no C4 block to check against a model). */
function step4(extra = ''): string {
  const sections = stepById(4).sections.map((s) =>
    s === 'Assumptions, Risks and Questions'
      ? `## ${s}\n\n\`\`\`archflow-additions\n{}\n\`\`\``
      : `## ${s}\n\nText for ${s}.\n\n\`\`\`mermaid\nflowchart LR\n  a --> b\n\`\`\``,
  );
  return `# Data Architecture — Shop\n\n${sections.join('\n\n')}\n${extra}`;
}

test('control characters other than tab and newline never survive; CRLF becomes LF', () => {
  assert.equal(withoutControlChars('a\u0000b\u0007c\u001bd\u007fe\tf\r\ng\rh\u000bi\u000cj'), 'abcde\tf\ng\nhij');
  const r = parseStepOutput(4, step4().replace('Text for Summary.', 'Text\u0000 for\u0008 Summary.'));
  assert.deepEqual(r.errors, []);
  assert.doesNotMatch(r.parsed!.text, /[\u0000-\u0008]/);
});

test('a document wrapped in a ```markdown fence with chatter around it is unwrapped', () => {
  const wrapped = `Here is the document you asked for.\n\n\`\`\`markdown\n${step4()}\`\`\`\n\nLet me know if you want changes!\n`;
  const u = unwrapDocument(wrapped);
  assert.equal(u.unwrapped, true);
  assert.equal(u.text, step4());
  const r = parseStepOutput(4, wrapped);
  assert.deepEqual(r.errors, []);
  assert.match(r.parsed!.warnings.join(' '), /wrapped in a code fence/);
  assert.doesNotMatch(r.parsed!.text, /Let me know/);
  assert.equal(unclosedFenceLine(r.parsed!.text.split('\n')), -1);
});

test('a wrapping fence of tildes, a longer one, or one never closed is unwrapped too', () => {
  for (const [open, close] of [
    ['~~~md', '~~~'],
    ['````', '````'],
    ['```markdown', ''],
  ]) {
    const u = unwrapDocument(`${open}\n${step4()}${close}\n`);
    assert.equal(u.unwrapped, true, open);
    assert.equal(u.text, step4(), open);
  }
});

test('when unwrapping is ambiguous the answer is left alone, and the fence left open fails validation', () => {
  // A heading after the closing fence: which part is the document?
  const ambiguous = `\`\`\`markdown\n${step4()}\`\`\`\n\n## Notes\n\nMore.\n`;
  assert.equal(unwrapDocument(ambiguous).unwrapped, false);
  // No opening fence, but a stray one after the document (the leftover that swallowed ARCHITECTURE.md's end).
  const leftover = `${step4()}\`\`\`\n\nLet me know…\n`;
  assert.equal(unwrapDocument(leftover).unwrapped, false);
  for (const text of [ambiguous, leftover]) {
    const r = parseStepOutput(4, text);
    assert.match(r.errors.join(' '), /The code fence opened at line \d+ of the document \(`.*`\) is never closed/);
  }
  // A fence of another kind of code before the H1 is not a wrapper.
  assert.equal(unwrapDocument(`\`\`\`json\n{}\n\`\`\`\n${step4()}`).unwrapped, false);
});

test('fences close by CommonMark rules: same character, at least as long, nothing after it', () => {
  assert.equal(unclosedFenceLine(['```js', 'x', '```']), -1);
  assert.equal(unclosedFenceLine(['````', '```', 'x']), 0);
  assert.equal(unclosedFenceLine(['~~~', '```', '~~~']), -1);
  assert.equal(unclosedFenceLine(['a', '```mermaid', 'x', '``` not a close']), 1);
  assert.equal(closeOpenFence('a\n````sql\nselect 1'), 'a\n````sql\nselect 1\n````');
  assert.equal(closeOpenFence('no fence'), 'no fence');
});
