/** The product's name, its one-sentence pitch, and the open questions the PRD asks. */
import type { Heading } from './facts';
import { capitalize, clip, plainText } from './text';

const PRODUCT_NOISE =
  /\b(?:product requirements? documents?|product requirements?|requirements? documents?|prd(?:\.md)?|specification|spec|development tasks|tasks|draft)\b/gi;

/** The product's name: metadata table, cleaned H1, a bold/code term, the file name, first words. */
export function findProduct(text: string, headings: Heading[], sourceName: string): string {
  const meta = /^\s*\|\s*\**\s*(?:project|product|product name|project name)\s*\**\s*\|\s*([^|]+?)\s*\|/im.exec(text);
  if (meta) {
    const v = plainText(meta[1]);
    if (v && v.length <= 60) return v;
  }
  const h1 = headings.find((h) => h.level === 1);
  if (h1) {
    const v = h1.name
      .replace(/\([^)]*\)/g, '')
      .replace(PRODUCT_NOISE, '')
      .replace(/^[\s\-–—:|.]+|[\s\-–—:|.]+$/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (v && v.length <= 60) return v;
  }
  const bold = /(?:\*\*|`)([^*`\n]{2,40})(?:\*\*|`)/.exec(text);
  if (bold) {
    const v = plainText(bold[1])
      .replace(/\([^)]*\)/g, '')
      .trim();
    if (v && !/:$/.test(v)) return v;
  }
  const phrase =
    /\b(?:a|an|the|our)\s+((?:[\p{L}\p{N}-]+\s+){0,3}?(?:app|application|system|platform|service|tool|portal|marketplace|site|website|api|engine|dashboard))\b/iu.exec(
      plainText(text).slice(0, 300),
    );
  if (phrase) return phrase[1].split(/\s+/).map(capitalize).join(' ');
  const base = sourceName
    .replace(/^.*[\\/]/, '')
    .replace(/\.[^.]*$/, '')
    .trim();
  if (base && !/^(prd|readme|requirements|spec|document|untitled)$/i.test(base)) return base;
  const words = plainText(text).split(' ').filter(Boolean).slice(0, 3).join(' ');
  return words ? clip(capitalize(words), 40) : 'The System';
}

/** The first sentence of prose (not a heading, table, list or code), or a fallback. */
export function findPitch(text: string): string {
  let fence = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^(`{3,}|~{3,})/.test(line)) {
      fence = !fence;
      continue;
    }
    if (fence || !line || /^(#|\||[-*_]{3,}$|>|<)/.test(line) || /^\s*([-*+]|\d+[.)])\s/.test(line)) continue;
    const p = plainText(line);
    if (p.length < 15) continue;
    const sentence = /^(.{15,220}?[.!?])(\s|$)/.exec(p);
    return (sentence ? sentence[1] : clip(p, 200)).trim();
  }
  const any = plainText(text.replace(/^#+\s*/gm, ''));
  return any ? clip(any, 200) : 'No description was given.';
}

/** Up to three lines of the PRD that ask a question. */
export function findQuestions(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const p = plainText(line.replace(/^\s*(?:#+|[-*+]|\d+[.)])\s*/, ''));
    if (p.endsWith('?') && p.length >= 10 && p.length <= 200 && !out.includes(p)) out.push(p);
    if (out.length >= 3) break;
  }
  return out;
}
