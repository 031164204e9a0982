/**
 * A step's answer as it streams, made readable: the document's prose as it arrives, and each
 * structured block (```archflow-c4, ```archflow-adrs, …: JSON the engine turns into tables and
 * diagrams) as one line saying what it holds so far, e.g. "… C4 model: 12 containers so far …".
 * Pure and recomputed from the whole text, so a block cut off mid-stream reads right on every render.
 */

/** What a block is called and how its arrays are counted (singular, plural). */
interface BlockLabel {
  title: string;
  arrays: Record<string, readonly [string, string]>;
}

const BLOCKS: Record<string, BlockLabel> = {
  'archflow-c4': {
    title: 'C4 model',
    arrays: {
      people: ['person', 'people'],
      systems: ['system', 'systems'],
      containers: ['container', 'containers'],
      components: ['component', 'components'],
      relationships: ['relationship', 'relationships'],
    },
  },
  'archflow-requirements': {
    title: 'Requirement inventory',
    arrays: { requirements: ['requirement', 'requirements'] },
  },
  'archflow-findings': { title: 'Security findings', arrays: { findings: ['finding', 'findings'] } },
  'archflow-adrs': { title: 'Architecture decisions', arrays: { adrs: ['decision', 'decisions'] } },
};

const OPEN_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*(archflow-[A-Za-z0-9-]+)/;

/** Counts the objects in each top-level array of a JSON object that may be cut off anywhere. */
export function countArrayItems(json: string): Map<string, number> {
  const counts = new Map<string, number>();
  const stack: { array: boolean; key?: string }[] = [];
  let inString = false;
  let escaped = false;
  let current = '';
  let lastString: string | undefined;
  for (const ch of json) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') {
        inString = false;
        lastString = current;
      } else current += ch;
      continue;
    }
    switch (ch) {
      case '"':
        inString = true;
        current = '';
        break;
      case '{': {
        const top = stack.at(-1);
        if (top?.array && top.key !== undefined && stack.length === 2)
          counts.set(top.key, (counts.get(top.key) ?? 0) + 1);
        stack.push({ array: false });
        break;
      }
      case '[': {
        const key = stack.length === 1 && !stack[0].array ? lastString : undefined;
        if (key !== undefined && !counts.has(key)) counts.set(key, 0);
        stack.push({ array: true, key });
        break;
      }
      case '}':
      case ']':
        stack.pop();
        break;
      case ',':
        lastString = undefined;
        break;
    }
  }
  return counts;
}

/** "5 containers, 9 components" for a block's body so far; empty when nothing is counted yet. */
function countsText(info: string, body: string): string {
  const label = BLOCKS[info];
  const counts = countArrayItems(body);
  const keys = label ? Object.keys(label.arrays) : [...counts.keys()];
  return keys
    .filter((k) => counts.has(k))
    .map((k) => {
      const n = counts.get(k) ?? 0;
      const [one, many] = label?.arrays[k] ?? [k, k];
      return `${n} ${n === 1 ? one : many}`;
    })
    .join(', ');
}

function blockLine(info: string, body: string, closed: boolean): string {
  const title = BLOCKS[info]?.title ?? info;
  const counted = countsText(info, body);
  if (closed)
    return `> *${title}: ${counted || 'written'}. (Structured data: the step's document shows it when the step is done.)*`;
  return `> *… ${title}: ${counted ? `${counted} so far` : 'streaming'} …*`;
}

/** The readable form of a streaming answer (the whole text so far). */
export function liveDocumentText(raw: string): string {
  const lines = raw.split('\n');
  const out: string[] = [];
  let block: { fence: string; info: string; body: string[] } | undefined;
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    if (block) {
      const close = new RegExp(`^ {0,3}${block.fence[0] === '`' ? '`' : '~'}{${block.fence.length},}[ \\t]*$`);
      // A closing fence still being written may yet grow; only a finished line closes.
      if (!last && close.test(line)) {
        out.push(blockLine(block.info, block.body.join('\n'), true));
        block = undefined;
      } else block.body.push(line);
      return;
    }
    const open = OPEN_FENCE.exec(line);
    if (open && !last) {
      block = { fence: open[1], info: open[2].toLowerCase(), body: [] };
      return;
    }
    // A fence line still being written could become a structured block: wait for its end.
    out.push(last && /^ {0,3}(`{3,}|~{3,})/.test(line) ? '' : line);
  });
  if (block) out.push(blockLine(block.info, block.body.join('\n'), false));
  return out.join('\n');
}
