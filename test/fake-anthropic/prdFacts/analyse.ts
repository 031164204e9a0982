/**
 * Reads facts out of any PRD (headings, feature names, roles, external systems, numeric targets)
 * so the fake model's documents name things from the PRD instead of reading like boilerplate.
 * Heuristic and deterministic: the same PRD always gives the same facts.
 */
import { findExternals } from './externals';
import type { PrdFacts } from './facts';
import { MAX_FEATURES, findFeatures, pushFeature } from './features';
import { parseHeadings } from './headings';
import { findPitch, findProduct, findQuestions } from './product';
import { findRoles } from './roles';
import { findTargets } from './targets';
import { REGULATIONS, findTechnologies } from './technology';

/** Everything the fake model needs to know about a PRD. */
export function analysePrd(text: string, sourceName = 'PRD'): PrdFacts {
  const headings = parseHeadings(text);
  const product = findProduct(text, headings, sourceName);
  let features = findFeatures(text, headings);
  if (features.length < 3) {
    const seen = new Set(features.map((f) => f.name.toLowerCase()));
    const fillers = [`${product} Core Workflow`, 'User Accounts and Access', 'Administration and Reporting'];
    for (const name of fillers) {
      if (features.length >= 3) break;
      pushFeature(features, seen, name, 'PRD (implied)');
    }
    features = features.slice(0, MAX_FEATURES);
  }
  const lower = text.toLowerCase();
  return {
    product,
    pitch: findPitch(text),
    headings,
    features,
    roles: findRoles(text),
    externals: findExternals(text),
    targets: findTargets(text, headings),
    regulations: REGULATIONS.filter(([re]) => re.test(text)).map(([, n]) => n),
    technologies: findTechnologies(text),
    outOfScope: headings.find((h) => /non-goals?|out of scope/i.test(h.name)),
    mentions: {
      events: /\b(events?|event-driven|queues?|pub\/sub|webhooks?|async(?:hronous)?|background jobs?)\b/.test(lower),
      realtime: /\b(real-?time|live|websockets?|multiplayer|streaming|broadcast)\b/.test(lower),
      mobile: /\b(mobile|ios|android|tablet)\b/.test(lower),
      offline: /\b(offline|sync(?:hroni[sz]ation)?)\b/.test(lower),
      search: /\b(search|full-text|elasticsearch|opensearch)\b/.test(lower),
      files: /\b(uploads?|files?|attachments?|images?|documents? storage|s3|blob)\b/.test(lower),
      microservices: /\bmicro-?services?\b/.test(lower),
      personalData: /\b(personal data|pii|gdpr|privacy|email addresses?|profiles?)\b/.test(lower),
    },
    questions: findQuestions(text),
  };
}
