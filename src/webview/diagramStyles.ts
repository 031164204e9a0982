/** The diagrams' theme style sheet, added to the page once (it needs no part of the renderer). */
import { diagramCss } from '../shared/diagram/palette';

export function installDiagramStyles(): void {
  if (document.getElementById('af-diagram-css')) return;
  const style = document.createElement('style');
  style.id = 'af-diagram-css';
  style.textContent = diagramCss();
  document.head.append(style);
}
