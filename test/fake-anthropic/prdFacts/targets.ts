/** Measurable targets as the PRD states them (latency, throughput, scale, availability, size), with where they stand. */
import type { Heading, Target, Targets } from './facts';
import { featureSource } from './headings';

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
export function findTargets(text: string, headings: Heading[]): Targets {
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
    /(\d(?:[\d,.]*\d)?\s*[kKmM]?\+?)\s*(requests?\s*(?:\/|per)\s*(?:s|sec|second|minute|min)\b|rps\b|req\/s|qps\b|tps\b|transactions per second|(?:events?|messages?|orders?|jobs?)\s*(?:\/|per)\s*(?:s|sec|second|minute|min|hour|day)\b)/i.exec(
      text,
    );
  if (thr) t.throughput = at(thr, `${thr[1].trim()} ${thr[2].trim()}`);
  const scale =
    /(\d(?:[\d,.]*\d)?\s*[kKmM]?\+?)\s*(concurrent users|simultaneous users|daily active users|monthly active users|DAU|MAU|active users|users|tenants|customers|teams|organizations)\b/i.exec(
      text,
    );
  if (scale) t.scale = at(scale, `${scale[1].trim()} ${scale[2].trim()}`);
  const size = /(<=|≤|<|under)\s*(\d+(?:\.\d+)?)\s*(KB|MB|kB)\b/.exec(text);
  if (size) t.size = at(size, `${normalizeOp(size[1])} ${size[2]} ${size[3]}`);
  return t;
}
