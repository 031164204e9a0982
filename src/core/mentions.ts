/**
 * When a text mentions an identifier (a requirement id such as `NFR-3`, a C4 element id such as
 * `orderService`): one rule for the traceability matrix, the exit criteria and the preview panel.
 */

/** Characters that continue an identifier: a mention must not be preceded or followed by one. */
const ID_CHAR = 'A-Za-z0-9_';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether `text` names `id` as a whole word: not inside a longer identifier. A hyphen before the
 * id, or a hyphen and an identifier character after it, also continue it (`X-FR-1`, `FR-1-b`),
 * so `FR-1` is not found in `NFR-1`, `FR-10`, `XFR-1` or `web-api-v2` in `web-api`.
 */
export function mentionsId(text: string, id: string): boolean {
  if (id === '') return false;
  return new RegExp(`(?<![${ID_CHAR}-])${escapeRegExp(id)}(?![${ID_CHAR}]|-[${ID_CHAR}])`).test(text);
}

/** Requirement ids of the inventory's form (`FR-3`, `NFR-12`). */
const REQUIREMENT_ID = new RegExp(`(?<![${ID_CHAR}-])(?:FR|NFR)-\\d+(?![${ID_CHAR}]|-[${ID_CHAR}])`, 'g');

/** Every requirement id `text` mentions (by the rule of `mentionsId`), once each, in order of first mention. */
export function mentionedRequirementIds(text: string): string[] {
  return [...new Set(text.match(REQUIREMENT_ID) ?? [])];
}
