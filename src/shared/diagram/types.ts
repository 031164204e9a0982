/**
 * A C4 view as the diagram renderer takes it: plain data (JSON-safe), sent to the webview in the
 * preview's state and built by the core's view function (src/core/c4/view.ts has the same shape, so
 * the host passes a core view where a `DiagramView` is expected and the compiler checks they agree).
 * Texts are the model's, untrusted: the renderer escapes every one.
 */

/** How an element is drawn. */
export type DiagramShape = 'person' | 'box' | 'database' | 'queue';

/** What an element is in C4 terms. */
export type DiagramElementKind = 'person' | 'system' | 'container' | 'component' | 'infrastructure';

/** One element of a view. */
export interface DiagramElement {
  id: string;
  kind: DiagramElementKind;
  shape: DiagramShape;
  name: string;
  technology: string;
  description: string;
  external: boolean;
  /** The boundary the element is drawn in. */
  boundary?: string;
  /** The assumption (`A-n`) that proposes its technology (the PRD named none): drawn as "proposed". */
  assumption?: string;
}

/** A boundary around elements (a software system, a container, an environment, a deployment node). */
export interface DiagramBoundary {
  id: string;
  kind: 'system' | 'container' | 'environment' | 'node';
  name: string;
  external: boolean;
  /** A deployment node's technology. */
  technology?: string;
  /** The assumption that proposes a deployment node's technology. */
  assumption?: string;
  /** The enclosing boundary, for nested boundaries. */
  parent?: string;
}

/** A relationship drawn between two elements of the view. */
export interface DiagramRelationship {
  from: string;
  to: string;
  label: string;
  technology: string;
}

/** Everything one view draws. */
export interface DiagramView {
  key: string;
  kind: 'context' | 'container' | 'component' | 'deployment';
  title: string;
  elements: DiagramElement[];
  boundaries: DiagramBoundary[];
  relationships: DiagramRelationship[];
}
