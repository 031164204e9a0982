/** The `malformed` fault: an answer broken the way Archflow's checks must catch (a section missing, JSON cut). */
import { parseStepId, stepById } from '../../../src/core/steps';

/**
 * Breaks an answer so it fails Archflow's checks: the second required section's heading is
 * removed and the first structured block's JSON is cut in half. An answer with neither (a revision
 * that says "NO CHANGES", or sends one prose section) is cut in half instead.
 */
export function malformedAnswer(text: string, step: number | null): string {
  if (step === null || parseStepId(String(step)) === undefined) return text.slice(0, Math.floor(text.length / 2));
  const def = stepById(step);
  const victim = def.sections[1] ?? def.sections[0];
  let out = text.replace(new RegExp(`^## ${escapeRegExp(victim)}\\n`, 'm'), '');
  out = out.replace(
    /^(```archflow-[a-z0-9-]+\n)([\s\S]*?)(\n```)/m,
    (_m, open: string, json: string, close: string) => {
      return `${open}${json.slice(0, Math.floor(json.length / 2))},\n  "unfinished": [1, 2,${close}`;
    },
  );
  return out === text ? text.slice(0, Math.floor(text.length / 2)) : out;
}

/** Text as a literal in a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
