/** The public file layout of SPEC §3, spelled out (not derived from the step table, so tests check it). */
export const STEP_DOCS = [
  '01-architecture-context.md',
  '02-high-level-architecture.md',
  '03-service-architecture.md',
  '04-data-architecture.md',
  '05-infrastructure-architecture.md',
  '06-security-architecture.md',
  '07-observability-design.md',
];
