// Entry of dist/webview-mermaid.js: Mermaid, loaded by lazy.ts for documents with non-C4 diagrams.
import * as mermaid from '../mermaidSetup';

window.archflowChunks = { ...window.archflowChunks, mermaid };
