/** The outline of ARCHITECTURE.md (SPEC §3): its eleven sections and the appendix parts steps feed. */

/** The eleven sections, in order. */
export const ARCHITECTURE_SECTIONS = [
  'Executive Summary',
  'Architecture Drivers',
  'High-Level Architecture',
  'Component Design',
  'Data Architecture',
  'Infrastructure Architecture',
  'Security Architecture',
  'Observability Architecture',
  'Deployment Architecture',
  'Architecture Decision Records',
  'Appendices',
] as const;

/** One of the eleven sections. */
export type ArchitectureSection = (typeof ARCHITECTURE_SECTIONS)[number];

/**
 * Appendix parts made of step documents' sections (the others are computed: matrix, criteria,
 * metadata). `register` is the assumptions, risks and questions the design steps add, merged by code.
 */
export type AppendixPart = 'glossary' | 'risks' | 'register';

/** Sections whose content code computes rather than takes from step documents. */
export const COMPUTED_SECTIONS: readonly ArchitectureSection[] = ['Architecture Decision Records', 'Appendices'];
