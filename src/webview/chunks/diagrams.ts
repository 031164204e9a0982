// Entry of dist/webview-diagrams.js: the diagram renderer, loaded by lazy.ts when a diagram is shown.
import * as diagrams from '../diagramDraw';

window.archflowChunks = { ...window.archflowChunks, diagrams };
