/**
 * PRD heuristics of the fake model (prdFacts/): the product name, features, roles, external
 * systems and numeric targets of any PRD. This module keeps the names tests import.
 */
export { analysePrd } from './prdFacts/analyse';
export type { ExternalSystem, Feature, Heading, PrdFacts, Target, Targets } from './prdFacts/facts';
export { cleanHeading, parseHeadings } from './prdFacts/headings';
export { camelId, IdRegistry, slugOf } from './prdFacts/ids';
export { asciiWords, plainText } from './prdFacts/text';
