/**
 * Reads facts out of any PRD (headings, feature names, roles, external systems, numeric targets)
 * so the fake model's documents name things from the PRD instead of reading like boilerplate.
 * Heuristic and deterministic: the same PRD always gives the same facts.
 */

/** A Markdown heading (H1-H3) outside code fences. */
export interface Heading {
  level: number;
  /** Display name: emoji, numbering and Markdown markup removed; non-ASCII letters kept. */
  name: string;
  /** Leading section number such as "6.1", when the heading had one. */
  number?: string;
  /** 1-based line number in the PRD. */
  line: number;
}

/** A feature of the PRD, turned into a functional requirement and a component. */
export interface Feature {
  name: string;
  /** Where in the PRD it comes from ("PRD §6.1", "PRD: Typing Engine", "PRD line 12"). */
  source: string;
}

/** An external system the PRD depends on. */
export interface ExternalSystem {
  name: string;
  description: string;
  /** What our system does with it (relationship label). */
  use: string;
  technology: string;
}

/** A measurable target found in the PRD, and where. */
export interface Target {
  value: string;
  /** "PRD §6.6" / "PRD: Performance" — the heading above the line it was found on. */
  source: string;
}

/** Measurable targets found in the PRD text. */
export interface Targets {
  latency?: Target;
  throughput?: Target;
  scale?: Target;
  availability?: Target;
  size?: Target;
}

export interface PrdFacts {
  /** Product / system name. */
  product: string;
  /** One sentence describing the product (or a fallback). */
  pitch: string;
  headings: Heading[];
  features: Feature[];
  roles: string[];
  externals: ExternalSystem[];
  targets: Targets;
  /** Regulations named in the PRD (GDPR, HIPAA, ...). */
  regulations: string[];
  /** Technologies the PRD names (React, PostgreSQL, ...), in order of first mention. */
  technologies: string[];
  /** The PRD's out-of-scope / non-goals heading, when it has one. */
  outOfScope?: Heading;
  /** Capabilities the PRD mentions, which shape the design. */
  mentions: {
    events: boolean;
    realtime: boolean;
    mobile: boolean;
    offline: boolean;
    search: boolean;
    files: boolean;
    microservices: boolean;
    personalData: boolean;
  };
  /** Open questions: headings or lines of the PRD ending with "?" (up to 3). */
  questions: string[];
}

const EMOJI = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\uFE0E\uFE0F\u200D\u20E3]/gu;

/** Strips Markdown markup and emoji from a line of text. */
export function plainText(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, '')
    .replace(/[*_`~]+/g, '')
    .replace(EMOJI, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cleans a heading into a display name and its section number. */
export function cleanHeading(raw: string): { name: string; number?: string } {
  let name = plainText(raw);
  let number: string | undefined;
  const num = /^(?:§\s*)?(\d+(?:\.\d+)*)\.?\s+(?=\S)/.exec(name);
  if (num) {
    number = num[1];
    name = name.slice(num[0].length);
  }
  // Status markers that are not part of a name: "(v1.1)", "(HIGH PRIORITY)", "COMPLETE".
  name = name
    .replace(
      /\((?:[^)]*\b(?:complete|completed|done|priority|optional|nice-to-have|when needed|draft|wip|todo|v\d[\w.]*|\d+%[^)]*))\)/gi,
      '',
    )
    .replace(/\b(?:COMPLETE|DONE|WIP|TODO)\b/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s\-–—:|.]+|[\s\-–—:|]+$/g, '')
    .trim();
  return number ? { name, number } : { name };
}

/** ASCII words of a name: accents removed, everything else that is not a letter or digit dropped. */
export function asciiWords(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
}

const ID_STOPWORDS = new Set(['the', 'of', 'and', 'a', 'an', 'for', 'to', 'with', 'in', 'on', 'by', 'or']);

/** A camelCase id from a name (letters and digits, starting with a letter), or `fallback`. */
export function camelId(name: string, fallback: string, maxWords = 4): string {
  let words = asciiWords(name).map((w) => w.toLowerCase());
  const meaningful = words.filter((w) => !ID_STOPWORDS.has(w));
  if (meaningful.length > 0) words = meaningful;
  words = words.slice(0, maxWords);
  if (words.length === 0) return fallback;
  let id = words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
  if (!/^[a-z]/.test(id)) id = fallback + id[0].toUpperCase() + id.slice(1);
  return id;
}

/** Hands out unique ids: a taken base gets a numeric suffix (base2, base3, ...). */
export class IdRegistry {
  private readonly used = new Set<string>();

  constructor(existing: Iterable<string> = []) {
    for (const id of existing) this.used.add(id);
  }

  has(id: string): boolean {
    return this.used.has(id);
  }

  /** Reserves `base` or the first free `base<n>`. */
  take(base: string): string {
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}${n}`;
    this.used.add(id);
    return id;
  }
}

/** Lowercase hyphenated ASCII slug, or `fallback`. */
export function slugOf(name: string, fallback: string): string {
  const s = asciiWords(name).join('-').toLowerCase().slice(0, 40).replace(/-+$/, '');
  return s || fallback;
}

/** Parses H1-H3 headings outside fenced code blocks. */
export function parseHeadings(text: string): Heading[] {
  const out: Heading[] = [];
  let fence: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      return;
    }
    if (fence) return;
    const m = /^\s{0,3}(#{1,3})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) return;
    const { name, number } = cleanHeading(m[2]);
    if (!name) return;
    out.push(number ? { level: m[1].length, name, number, line: i + 1 } : { level: m[1].length, name, line: i + 1 });
  });
  return out;
}

/** Headings about the document itself rather than a capability of the product. */
const META =
  /\b(table of contents|contents|toc|overview|introduction|intro|background|executive summary|summary|problem|problems|vision|goals?|objectives?|non-goals?|out of scope|scope|timeline|milestones?|roadmap|appendix|appendices|glossary|open questions?|questions|risks?|risk assessment|assumptions?|dependencies|success metrics|metrics|kpis?|stakeholders?|references?|related documents?|revision history|changelog|change log|release|launch|personas?|target audience|audience|use cases?|principles?|tenets?|status|notes?|documentation|context|purpose|approvals?|faq|metadata|pain points?|impact|current state|constraints?|terminology|definitions|next steps|future|bug fixes|branding|tech notes|testing|browser support|compatibility)\b/i;
const NFR_HEADING =
  /\b(non-functional|nonfunctional|performance|scalability|availability|reliability|security|privacy|compliance|quality attributes?|sla|latency|throughput|accessibility|observability|internationali[sz]ation)\b/i;
const GROUP =
  /\b(features?|functional requirements|requirements|capabilities|functionality|user stories|stories|epics?|modules?|tasks|phase|mvp|specifications?|components)\b/i;
const TECHNICAL = /\b(database|schema|api endpoints?|endpoints|infrastructure|deployment|tech stack|architecture)\b/i;

const MAX_FEATURES = 8;

function featureSource(h: Heading): string {
  return h.number ? `PRD §${h.number}` : `PRD: ${h.name}`;
}

function clip(name: string, max = 60): string {
  if (name.length <= max) return name;
  const cut = name.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > 20 ? cut.slice(0, space) : cut).trim();
}

function pushFeature(out: Feature[], seen: Set<string>, name: string, source: string): void {
  const n = clip(name);
  const key = n.toLowerCase();
  if (!n || seen.has(key) || out.length >= MAX_FEATURES) return;
  seen.add(key);
  out.push({ name: n, source });
}

/** Feature names: children of a "Features"-like heading, else non-meta headings, else list items. */
function findFeatures(text: string, headings: Heading[]): Feature[] {
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

function capitalize(s: string): string {
  return s.length > 0 ? s[0].toUpperCase() + s.slice(1) : s;
}

const PRODUCT_NOISE =
  /\b(?:product requirements? documents?|product requirements?|requirements? documents?|prd(?:\.md)?|specification|spec|development tasks|tasks|draft)\b/gi;

/** The product's name: metadata table, cleaned H1, a bold/code term, the file name, first words. */
function findProduct(text: string, headings: Heading[], sourceName: string): string {
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

function findPitch(text: string): string {
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

const ROLE_WORDS: [RegExp, string][] = [
  [/\bcustomers?\b/i, 'Customer'],
  [/\bshoppers?\b/i, 'Shopper'],
  [/\bbuyers?\b/i, 'Buyer'],
  [/\bsellers?\b/i, 'Seller'],
  [/\bmerchants?\b/i, 'Merchant'],
  [/\bvendors?\b/i, 'Vendor'],
  [/\bpatients?\b/i, 'Patient'],
  [/\b(?:clinicians?|doctors?|physicians?|nurses?)\b/i, 'Clinician'],
  [/\bstudents?\b/i, 'Student'],
  [/\b(?:teachers?|instructors?)\b/i, 'Teacher'],
  [/\bdrivers?\b/i, 'Driver'],
  [/\briders?\b/i, 'Rider'],
  [/\bdevelopers?\b/i, 'Developer'],
  [/\b(?:admins?|administrators?)\b/i, 'Administrator'],
  [/\boperators?\b/i, 'Operator'],
  [/\bsupport agents?\b/i, 'Support Agent'],
  [/\bmanagers?\b/i, 'Manager'],
  [/\banalysts?\b/i, 'Analyst'],
  [/\beditors?\b/i, 'Editor'],
  [/\bauthors?\b/i, 'Author'],
  [/\bmembers?\b/i, 'Member'],
  [/\bsubscribers?\b/i, 'Subscriber'],
  [/\bplayers?\b/i, 'Player'],
  [/\bguests?\b/i, 'Guest'],
  [/\bhosts?\b/i, 'Host'],
  [/\bend[- ]users?\b|\busers?\b/i, 'User'],
];

/** Up to two user roles, the most mentioned first; "User" when none. */
function findRoles(text: string): string[] {
  const hits: { name: string; at: number; count: number }[] = [];
  for (const [re, name] of ROLE_WORDS) {
    const all = [...text.matchAll(new RegExp(re.source, 'gi'))];
    if (all.length > 0 && !hits.some((h) => h.name === name))
      hits.push({ name, at: all[0].index ?? 0, count: all.length });
  }
  hits.sort((a, b) => b.count - a.count || a.at - b.at);
  const roles = hits.slice(0, 2).map((h) => h.name);
  return roles.length > 0 ? roles : ['User'];
}

interface ExternalRule {
  re: RegExp;
  make: (text: string) => ExternalSystem;
}

const EXTERNALS: ExternalRule[] = [
  {
    re: /\b(stripe|paypal|adyen|braintree|payments?|billing|checkout|subscriptions?)\b/gi,
    make: (t) => ({
      name: /stripe/i.test(t) ? 'Stripe' : /paypal/i.test(t) ? 'PayPal' : 'Payment Provider',
      description: 'Takes card payments and manages subscriptions',
      use: 'Creates payments and receives payment webhooks',
      technology: 'HTTPS/REST, webhooks',
    }),
  },
  {
    re: /\b(oauth|saml|sso|openid|oidc|auth0|okta|keycloak|cognito|identity provider|single sign-on)\b/gi,
    make: (t) => ({
      name: /auth0/i.test(t) ? 'Auth0' : /okta/i.test(t) ? 'Okta' : 'Identity Provider',
      description: 'Authenticates users (OAuth 2.0 / OpenID Connect, SAML)',
      use: 'Delegates sign-in and verifies tokens',
      technology: 'OIDC/HTTPS',
    }),
  },
  {
    re: /\b(e-?mails?|sendgrid|mailgun|smtp|newsletters?)\b/gi,
    make: (t) => ({
      name: /sendgrid/i.test(t) ? 'SendGrid' : /mailgun/i.test(t) ? 'Mailgun' : 'Email Service',
      description: 'Delivers transactional email',
      use: 'Sends transactional email',
      technology: 'HTTPS/REST',
    }),
  },
  {
    re: /\b(sms|twilio|push notifications?|fcm|apns)\b/gi,
    make: (t) => ({
      name: /twilio/i.test(t) ? 'Twilio' : 'Notification Gateway',
      description: 'Delivers SMS and push notifications',
      use: 'Sends notifications',
      technology: 'HTTPS/REST',
    }),
  },
  {
    re: /\b(openai|anthropic|claude|chatgpt|gpt-\d|llms?|language models?|ai-generated)\b/gi,
    make: () => ({
      name: 'LLM Provider',
      description: 'Generates text with a large language model',
      use: 'Requests generated content',
      technology: 'HTTPS/REST',
    }),
  },
  {
    re: /\b(maps?|geolocation|geocoding|mapbox)\b/gi,
    make: () => ({
      name: 'Maps Provider',
      description: 'Geocoding, routing and map tiles',
      use: 'Geocodes addresses and computes routes',
      technology: 'HTTPS/REST',
    }),
  },
  {
    re: /\b(slack|webhooks?|zapier|discord)\b/gi,
    make: (t) => ({
      name: /slack/i.test(t) ? 'Slack' : 'Webhook Consumers',
      description: 'Third-party tools that receive event notifications',
      use: 'Posts event notifications',
      technology: 'HTTPS webhooks',
    }),
  },
  {
    re: /\b(service workers?|browser apis?|web platform|indexeddb|broadcastchannel)\b/gi,
    make: () => ({
      name: 'Browser Platform',
      description: 'Browser runtime APIs (service worker, storage, permissions)',
      use: 'Uses browser runtime APIs',
      technology: 'Web APIs',
    }),
  },
  {
    re: /\b(erp|crm|salesforce|sap|hubspot)\b/gi,
    make: (t) => ({
      name: /salesforce/i.test(t) ? 'Salesforce' : /hubspot/i.test(t) ? 'HubSpot' : 'Business Systems (ERP/CRM)',
      description: 'Existing business systems of record',
      use: 'Synchronises customer and order records',
      technology: 'HTTPS/REST',
    }),
  },
];

/** One to three external systems, most mentioned first; an identity provider when none. */
function findExternals(text: string): ExternalSystem[] {
  const scored = EXTERNALS.map((rule, order) => ({ rule, order, count: (text.match(rule.re) ?? []).length }))
    .filter((s) => s.count > 0)
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, 3);
  if (scored.length === 0) return [EXTERNALS[1].make('')];
  return scored.map((s) => s.rule.make(text));
}

function normalizeOp(op: string): string {
  const o = op.trim().toLowerCase();
  if (o === '<' || o === 'under' || o === 'below' || o === 'less than' || o === 'within' || o === 'in under')
    return '<';
  if (o === '≤' || o === '<=' || o === 'at most') return '≤';
  return o;
}

/** The heading (as a source) above a character offset of the PRD. */
function sourceAt(text: string, index: number, headings: Heading[]): string {
  const line = text.slice(0, index).split('\n').length;
  let h: Heading | undefined;
  for (const x of headings) if (x.line <= line) h = x;
  if (!h || h.level === 1) return `PRD line ${line}`;
  return featureSource(h);
}

/** Numeric targets (latency, throughput, scale, availability, size) as the PRD states them. */
function findTargets(text: string, headings: Heading[]): Targets {
  const t: Targets = {};
  const at = (m: RegExpExecArray, value: string): Target => ({ value, source: sourceAt(text, m.index, headings) });
  const lat =
    /(p\d{2,3}\s*)?(<=|≤|<|under|below|less than|within|at most)\s*~?\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|seconds?|secs?|s)\b/i.exec(
      text,
    );
  if (lat) {
    const unit = /^ms|^milli/i.test(lat[4]) ? 'ms' : 's';
    t.latency = at(lat, `${lat[1] ? `${lat[1].trim()} ` : ''}${normalizeOp(lat[2])} ${lat[3]} ${unit}`);
  }
  const avail =
    /\b(\d{2}(?:\.\d+)?)\s*%\s*(?:uptime|availability|sla|available)/i.exec(text) ??
    /\b(?:uptime|availability|available|sla)\b[^.\n%]{0,40}?(\d{2}(?:\.\d+)?)\s*%/i.exec(text);
  if (avail && Number(avail[1]) >= 90 && Number(avail[1]) < 100)
    t.availability = at(avail, `${avail[1]}% monthly uptime`);
  const thr =
    /(\d[\d,.]*\s*[kKmM]?\+?)\s*(requests?\s*(?:\/|per)\s*(?:s|sec|second|minute|min)\b|rps\b|req\/s|qps\b|tps\b|transactions per second|(?:events?|messages?|orders?|jobs?)\s*(?:\/|per)\s*(?:s|sec|second|minute|min|hour|day)\b)/i.exec(
      text,
    );
  if (thr) t.throughput = at(thr, `${thr[1].trim()} ${thr[2].trim()}`);
  const scale =
    /(\d[\d,.]*\s*[kKmM]?\+?)\s*(concurrent users|simultaneous users|daily active users|monthly active users|DAU|MAU|active users|users|tenants|customers|teams|organizations)\b/i.exec(
      text,
    );
  if (scale) t.scale = at(scale, `${scale[1].trim()} ${scale[2].trim()}`);
  const size = /(<=|≤|<|under)\s*(\d+(?:\.\d+)?)\s*(KB|MB|kB)\b/.exec(text);
  if (size) t.size = at(size, `${normalizeOp(size[1])} ${size[2]} ${size[3]}`);
  return t;
}

const TECHNOLOGIES: [RegExp, string][] = [
  [/\bnext\.?js\b/i, 'Next.js'],
  [/\breact\b/i, 'React'],
  [/\bvue(?:\.js)?\b/i, 'Vue'],
  [/\bangular\b/i, 'Angular'],
  [/\bsvelte\b/i, 'Svelte'],
  [/\btypescript\b/i, 'TypeScript'],
  [/\bnode(?:\.js)?\b/i, 'Node.js'],
  [/\bpython\b/i, 'Python'],
  [/\bgo(?:lang)?\b(?=\s+(?:service|backend|1\.\d))/i, 'Go'],
  [/\bjava\b/i, 'Java'],
  [/\bpostgres(?:ql)?\b/i, 'PostgreSQL'],
  [/\bmysql\b/i, 'MySQL'],
  [/\bmongo(?:db)?\b/i, 'MongoDB'],
  [/\bredis\b/i, 'Redis'],
  [/\bkafka\b/i, 'Kafka'],
  [/\bindexeddb\b|\bidb\b/i, 'IndexedDB'],
  [/\bkubernetes\b|\bk8s\b/i, 'Kubernetes'],
  [/\bdocker\b/i, 'Docker'],
  [/\baws\b/i, 'AWS'],
  [/\bgcp\b|google cloud/i, 'Google Cloud'],
  [/\bazure\b/i, 'Azure'],
  [/\bvercel\b/i, 'Vercel'],
  [/\bgraphql\b/i, 'GraphQL'],
  [/\bwebsockets?\b/i, 'WebSocket'],
];

function findTechnologies(text: string): string[] {
  return TECHNOLOGIES.map(([re, name]) => ({ name, at: re.exec(text)?.index ?? -1 }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.name)
    .slice(0, 6);
}

const REGULATIONS: [RegExp, string][] = [
  [/\bGDPR\b/i, 'GDPR'],
  [/\bHIPAA\b/i, 'HIPAA'],
  [/\bPCI[- ]?DSS\b/i, 'PCI DSS'],
  [/\bSOC ?2\b/i, 'SOC 2'],
  [/\bCCPA\b/i, 'CCPA'],
  [/\bISO ?27001\b/i, 'ISO 27001'],
  [/\bWCAG\b/i, 'WCAG'],
];

function findQuestions(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const p = plainText(line.replace(/^\s*(?:#+|[-*+]|\d+[.)])\s*/, ''));
    if (p.endsWith('?') && p.length >= 10 && p.length <= 200 && !out.includes(p)) out.push(p);
    if (out.length >= 3) break;
  }
  return out;
}

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
