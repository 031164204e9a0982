/**
 * Answers of a real model's size: the fake model's document padded to a target length with plain
 * prose at the end of its first section, so the headings, blocks and ids stay as they were.
 * The benchmark uses it to stream what a real step streams (../shared/corpus/ sizes).
 */

/** Sentences the padding cycles through: neutral prose that names no id, file or element. */
const SENTENCES = [
  'The reasoning behind this part of the design is spelled out here at the length a real answer gives it.',
  'Each choice is weighed against the quality attributes the requirements name, and the trade-off is stated.',
  'Where the PRD leaves a question open, the design takes the simpler option and says what would change it.',
  'Operational concerns are considered together with the structure, so that the design stays runnable.',
  'The same terms are used as in the earlier documents, so a reader can follow one thread through all of them.',
];

/** A paragraph of about `chars` characters (at least one sentence). */
function paragraph(index: number, chars: number): string {
  const out: string[] = [];
  let n = 0;
  for (let i = 0; n < chars; i++) {
    const s = SENTENCES[(index + i) % SENTENCES.length];
    out.push(s);
    n += s.length + 1;
  }
  return out.join(' ');
}

/**
 * `text` grown to about `targetChars` characters: paragraphs of prose at the end of each of its
 * `## ` sections but the last (which holds the closing blocks), in equal shares (at the end when
 * it has one section or none), so that a step written in section groups (docs/adr/0017) streams
 * padding in each group, as a real answer's length is spread. A text already that long is returned
 * as it is.
 */
export function padAnswer(text: string, targetChars: number): string {
  const missing = targetChars - text.length;
  if (missing <= 0) return text;
  const starts = [...text.matchAll(/^## /gm)].map((m) => m.index ?? 0);
  // The end of every section but the last: before the next heading.
  const ends = starts.length >= 2 ? starts.slice(1) : [text.length];
  const share = Math.ceil(missing / ends.length);
  let out = '';
  let from = 0;
  ends.forEach((at, k) => {
    const paragraphs: string[] = [];
    for (let i = 0, added = 0; added < share; i++) {
      const p = paragraph(k + i, Math.min(600, share - added));
      paragraphs.push(p);
      added += p.length + 2;
    }
    out += `${text.slice(from, at).trimEnd()}\n\n${paragraphs.join('\n\n')}\n\n`;
    from = at;
  });
  return from < text.length ? out + text.slice(from) : `${out.trimEnd()}\n`;
}
