/** The requirement inventory of step 1: JSON from the model, a table on disk. */
import { parseTable, renderTable, sectionOrAll } from './markdown';
import { NFR_CATEGORIES, type NfrCategory, type Requirement } from './model';

const ID = /^(FR|NFR)-(\d+)$/;
const PRIORITIES = ['must', 'should', 'could'] as const;

/** Validates an `archflow-requirements` block; errors name the requirement and the field. */
export function parseRequirementsJson(text: string): { requirements: Requirement[]; errors: string[] } {
  const errors: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { requirements: [], errors: [`archflow-requirements: not valid JSON (${(err as Error).message})`] };
  }
  const list = (raw as { requirements?: unknown })?.requirements;
  if (!Array.isArray(list) || list.length === 0) {
    return { requirements: [], errors: ['archflow-requirements: "requirements" must be a non-empty array'] };
  }
  const seen = new Set<string>();
  const requirements: Requirement[] = [];
  list.forEach((item: Record<string, unknown>, i) => {
    const where = `requirement ${typeof item?.id === 'string' ? `"${item.id}"` : `#${i + 1}`}`;
    const id = typeof item?.id === 'string' ? item.id.trim() : '';
    const m = ID.exec(id);
    if (!m) {
      errors.push(`${where}: "id" must look like FR-1 or NFR-1`);
      return;
    }
    if (seen.has(id)) errors.push(`${where}: duplicate id`);
    seen.add(id);
    const title = typeof item.title === 'string' ? item.title.trim() : '';
    if (!title) errors.push(`${where}: "title" is missing`);
    const kind = m[1] as 'FR' | 'NFR';
    const priority = String(item.priority ?? 'should').toLowerCase();
    let category: NfrCategory | undefined;
    if (kind === 'NFR') {
      const c = String(item.category ?? '')
        .toLowerCase()
        .trim();
      if ((NFR_CATEGORIES as readonly string[]).includes(c)) category = c as NfrCategory;
      else errors.push(`${where}: "category" must be one of ${NFR_CATEGORIES.join(', ')}`);
    }
    requirements.push({
      id,
      kind,
      title,
      source: typeof item.source === 'string' ? item.source : '',
      priority: (PRIORITIES as readonly string[]).includes(priority) ? (priority as Requirement['priority']) : 'should',
      category,
      target:
        typeof item.target === 'number'
          ? String(item.target)
          : typeof item.target === 'string' && item.target.trim()
            ? item.target.trim()
            : null,
    });
  });
  return { requirements, errors };
}

const HEADER = ['ID', 'Requirement', 'Category', 'Target', 'Priority', 'Source'];

/** Renders the inventory as the table written into 01-architecture-context.md. */
export function renderRequirementsTable(reqs: Requirement[]): string {
  return renderTable(
    HEADER,
    reqs.map((r) => [
      r.id,
      r.title,
      r.kind === 'FR' ? 'functional' : r.category,
      r.target ?? (r.kind === 'NFR' ? 'not stated' : ''),
      r.priority,
      r.source,
    ]),
  );
}

/** Reads the inventory back from the step-1 document on disk (hand edits included). */
export function parseRequirementsTable(markdown: string): Requirement[] {
  const rows = parseTable(sectionOrAll(markdown, 'Requirement Inventory'), 'ID') ?? [];
  const out: Requirement[] = [];
  for (const row of rows) {
    const m = ID.exec((row['id'] ?? '').trim());
    if (!m) continue;
    const kind = m[1] as 'FR' | 'NFR';
    const cat = (row['category'] ?? '').toLowerCase();
    out.push({
      id: row['id'].trim(),
      kind,
      title: row['requirement'] ?? '',
      source: row['source'] ?? '',
      priority: ((PRIORITIES as readonly string[]).includes(row['priority'])
        ? row['priority']
        : 'should') as Requirement['priority'],
      category:
        kind === 'NFR' && (NFR_CATEGORIES as readonly string[]).includes(cat) ? (cat as NfrCategory) : undefined,
      target: row['target'] && row['target'] !== 'not stated' ? row['target'] : null,
    });
  }
  return out;
}
