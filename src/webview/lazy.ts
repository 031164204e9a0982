/**
 * The heavy parts of the panel load when first needed, so the panel paints without them: the diagram
 * renderer (ELK, about 1.5 MB) when a diagram is shown, Mermaid (about 3 MB) only when a document has
 * a ```mermaid block that is not a C4 view. Each is a script of ours beside dist/webview.js, added with
 * this page's nonce (the CSP allows scripts by nonce only); it registers itself on `window.archflowChunks`.
 */
import type * as DiagramDraw from './diagramDraw';
import type * as MermaidSetup from './mermaidSetup';

export type DiagramModule = typeof DiagramDraw;
export type MermaidModule = typeof MermaidSetup;

interface Chunks {
  diagrams?: DiagramModule;
  mermaid?: MermaidModule;
}

declare global {
  interface Window {
    archflowChunks?: Chunks;
  }
}

// Read while this script runs: later, document.currentScript is another script or null.
const self = document.currentScript instanceof HTMLScriptElement ? document.currentScript : undefined;
const nonce = self?.nonce ?? '';
const base = self?.src ? self.src.replace(/[^/]*$/, '') : './';

const loading = new Map<keyof Chunks, Promise<unknown>>();

function load<K extends keyof Chunks>(name: K, file: string): Promise<NonNullable<Chunks[K]>> {
  const ready = window.archflowChunks?.[name];
  if (ready) return Promise.resolve(ready as NonNullable<Chunks[K]>);
  let pending = loading.get(name) as Promise<NonNullable<Chunks[K]>> | undefined;
  if (!pending) {
    pending = new Promise<NonNullable<Chunks[K]>>((resolve, reject) => {
      const script = document.createElement('script');
      script.nonce = nonce;
      script.src = `${base}${file}`;
      script.addEventListener('load', () => {
        const chunk = window.archflowChunks?.[name];
        if (chunk) resolve(chunk as NonNullable<Chunks[K]>);
        else reject(new Error(`${file} loaded but did not register itself.`));
      });
      script.addEventListener('error', () => reject(new Error(`${file} could not be loaded.`)));
      document.head.append(script);
    });
    // A failed load may be tried again later (the next diagram shown).
    pending.catch(() => loading.delete(name));
    loading.set(name, pending);
  }
  return pending;
}

/** The diagram renderer (layout and drawing). */
export function diagramModule(): Promise<DiagramModule> {
  return load('diagrams', 'webview-diagrams.js');
}

/** The panel's Mermaid setup. */
export function mermaidModule(): Promise<MermaidModule> {
  return load('mermaid', 'webview-mermaid.js');
}

/** Mermaid, if a document already needed it (theme changes re-configure it then). */
export function loadedMermaid(): MermaidModule | undefined {
  return window.archflowChunks?.mermaid;
}
