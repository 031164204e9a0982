/** Tiny DOM helpers: text goes in as text nodes, never as HTML. */

type Child = Node | string | null | undefined | false;

export interface Props {
  className?: string;
  id?: string;
  text?: string;
  title?: string;
  hidden?: boolean;
  attrs?: Record<string, string>;
}

/** Creates an element with properties and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.id) el.id = props.id;
  if (props.title) el.title = props.title;
  if (props.hidden) el.hidden = true;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** The children that are present (for replaceChildren, which takes no null). */
export function nodes(...children: Child[]): (Node | string)[] {
  return children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);
}

/** "0007" for ADR 7. */
export function adrNumber(n: number | undefined): string {
  return n === undefined ? '—' : String(n).padStart(4, '0');
}

/** A sentence listing items: "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
