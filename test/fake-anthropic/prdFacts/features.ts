/** The PRD's features: children of a "Features"-like heading, else other headings, list items or clauses of the prose. */
import type { Feature, Heading } from './facts';
import { featureSource } from './headings';
import { capitalize, clip, plainText } from './text';

/** Headings about the document itself rather than a capability of the product. */
export const META =
  /\b(table of contents|contents|toc|overview|introduction|intro|background|executive summary|summary|problem|problems|vision|goals?|objectives?|non-goals?|out of scope|scope|timeline|milestones?|roadmap|appendix|appendices|glossary|open questions?|questions|risks?|risk assessment|assumptions?|dependencies|success metrics|metrics|kpis?|stakeholders?|references?|related documents?|revision history|changelog|change log|release|launch|personas?|target audience|audience|use cases?|principles?|tenets?|status|notes?|documentation|context|purpose|approvals?|faq|metadata|pain points?|impact|current state|constraints?|terminology|definitions|next steps|future|bug fixes|branding|tech notes|testing|browser support|compatibility)\b/i;

const NFR_HEADING =
  /\b(non-functional|nonfunctional|performance|scalability|availability|reliability|security|privacy|compliance|quality attributes?|sla|latency|throughput|accessibility|observability|internationali[sz]ation)\b/i;

const GROUP =
  /\b(features?|functional requirements|requirements|capabilities|functionality|user stories|stories|epics?|modules?|tasks|phase|mvp|specifications?|components)\b/i;

const TECHNICAL = /\b(database|schema|api endpoints?|endpoints|infrastructure|deployment|tech stack|architecture)\b/i;

/** At most this many features become requirements. */
export const MAX_FEATURES = 8;

/** Adds a feature unless its name is empty, already there, or the list is full. */
export function pushFeature(out: Feature[], seen: Set<string>, name: string, source: string): void {
  const n = clip(name);
  const key = n.toLowerCase();
  if (!n || seen.has(key) || out.length >= MAX_FEATURES) return;
  seen.add(key);
  out.push({ name: n, source });
}

/** Feature names: children of a "Features"-like heading, else non-meta headings, else list items. */
export function findFeatures(text: string, headings: Heading[]): Feature[] {
  const out: Feature[] = [];
  const seen = new Set<string>();
  // 1. Headings below a group heading ("Feature Specifications", "Phase 1: MVP Tasks").
  for (let i = 0; i < headings.length; i++) {
    const g = headings[i];
    // The first H1 is the document's title ("Product Requirements Document"), not a group.
    if (
      (g.level === 1 && i === 0) ||
      g.level > 2 ||
      !GROUP.test(g.name) ||
      /non-functional|nonfunctional/i.test(g.name) ||
      META.test(g.name)
    )
      continue;
    for (let j = i + 1; j < headings.length; j++) {
      const h = headings[j];
      const sameNumbering = g.number !== undefined && h.number !== undefined && h.number.startsWith(`${g.number}.`);
      if (h.level <= g.level && !sameNumbering) break;
      if (h.level === g.level && sameNumbering && GROUP.test(h.name)) continue;
      if (META.test(h.name) || TECHNICAL.test(h.name)) continue;
      // A nested group ("6.8 Enterprise Control Layer") gives its children, not itself.
      const hasChildren = j + 1 < headings.length && headings[j + 1].level > h.level;
      if (hasChildren && h.level === g.level) continue;
      pushFeature(out, seen, h.name, featureSource(h));
    }
  }
  // 2. Any H2/H3 that is not about the document, a quality attribute or a technical layer.
  if (out.length < 2) {
    for (const h of headings) {
      if (
        h.level === 1 ||
        META.test(h.name) ||
        NFR_HEADING.test(h.name) ||
        TECHNICAL.test(h.name) ||
        GROUP.test(h.name)
      )
        continue;
      pushFeature(out, seen, h.name, featureSource(h));
    }
  }
  // 3. List items ("- Users can export invoices as PDF").
  if (out.length < 2) {
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const m = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.+)$/.exec(line);
      if (!m) return;
      const item = plainText(m[1]).split(/[:.;]\s/)[0];
      const words = item.split(' ').slice(0, 7).join(' ');
      if (words.length >= 4 && !META.test(words)) pushFeature(out, seen, capitalize(words), `PRD line ${i + 1}`);
    });
  }
  // 4. Clauses of the prose ("Patients book appointments online" → "Book appointments online").
  if (out.length < 3) {
    for (const clause of clausesOf(text)) pushFeature(out, seen, clause, 'PRD (text)');
  }
  return out;
}

const ROLE_SUBJECT =
  /^(?:(?:the|our|a|an|all|every|each)\s+)?(?:users?|customers?|patients?|doctors?|clinicians?|students?|teachers?|admins?|administrators?|members?|drivers?|riders?|developers?|operators?|managers?|families|people|we|they|it)\s+(?:can\s+|must\s+|should\s+|will\s+)?/i;

const NOT_A_FEATURE =
  /\d|%|\b(must|should|shall|fast|quick|secure|available|availability|latency|within|applies|needs?|requires?|is|are|was|were)\b/i;

/** Short verb phrases of the prose, usable as feature names. */
function clausesOf(text: string): string[] {
  const out: string[] = [];
  const prose = plainText(text.replace(/^\s*#+.*$/gm, ''));
  for (const sentence of prose.split(/[.!?;:\n]+/)) {
    for (const part of sentence.split(/,|\band\b|\bthen\b|\bfor\b|\bto\b|\bwith\b/i)) {
      const clause = part
        .trim()
        .replace(ROLE_SUBJECT, '')
        .replace(/^(?:a|an|the)\s+/i, '')
        .trim();
      const words = clause.split(/\s+/).filter(Boolean);
      if (words.length < 2 || words.length > 6 || NOT_A_FEATURE.test(clause)) continue;
      out.push(capitalize(clause));
    }
  }
  return out;
}
