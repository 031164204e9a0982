/** What the fake model reads out of a PRD: its headings, features, people, external systems and targets. */

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
