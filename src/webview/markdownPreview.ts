/**
 * The script Archflow contributes to VS Code's Markdown preview (`markdown.previewScripts`): draws the
 * C4 placeholders our markdown-it plugin leaves (src/vscode/markdownPlugin.ts) with the panel's
 * renderer, after the first load and after every content update. The view data in the attribute was
 * made by our plugin from the document; it is still checked for shape, and its texts are escaped
 * by the renderer like any model text.
 */
import type { DiagramView } from '../shared/diagram/types';
import { drawDiagram } from './diagramDraw';
import { installDiagramStyles } from './diagramStyles';

function isView(x: unknown): x is DiagramView {
  if (typeof x !== 'object' || x === null) return false;
  const v = x as Record<string, unknown>;
  return (
    typeof v.title === 'string' &&
    Array.isArray(v.elements) &&
    Array.isArray(v.boundaries) &&
    Array.isArray(v.relationships)
  );
}

function drawAll(): void {
  installDiagramStyles();
  for (const slot of document.querySelectorAll<HTMLElement>('.archflow-c4[data-archflow-view]')) {
    const data = slot.getAttribute('data-archflow-view') ?? '';
    if (slot.dataset.drawn === data) continue;
    try {
      const view: unknown = JSON.parse(data);
      if (!isView(view)) continue;
      const { svg } = drawDiagram(view);
      svg.classList.add('archflow-c4-svg');
      svg.style.setProperty('max-width', '100%');
      svg.style.setProperty('height', 'auto');
      slot.querySelector('svg')?.remove();
      slot.prepend(svg);
      slot.dataset.drawn = data;
      slot.classList.add('drawn');
    } catch (err) {
      slot.classList.add('failed');
      slot.title = `Archflow could not draw this diagram: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}

window.addEventListener('vscode.markdown.updateContent', drawAll);
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawAll);
else drawAll();
