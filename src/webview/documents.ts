/**
 * The Documents tab: the step documents, ARCHITECTURE.md and the ADR files rendered with markdown-it
 * (raw HTML off, see markdown.ts). Relative links ask the host to open the file; ```mermaid blocks
 * that are C4 views are drawn by our renderer (the same pictures as the Diagrams tab), other ones by
 * the panel's Mermaid setup.
 */
import type { DiagramView } from '../shared/diagram/types';
import type { PreviewDocument, PreviewState } from '../shared/protocol';
import { h } from './dom';
import { createMarkdown, renderMarkdown } from './markdown';
import { diagramModule, loadedMermaid, mermaidModule } from './lazy';
import { type Dropdown, button, dropdown, setDisabled } from './toolkit';
import { post, saveUiState, uiState } from './vscodeApi';

export class DocumentsView {
  readonly element: HTMLElement;
  private readonly md = createMarkdown();
  private readonly picker: Dropdown;
  private readonly openButton: HTMLElement;
  private readonly article: HTMLElement;
  private state?: PreviewState;
  private current?: string;
  private shown?: string;
  private renderSeq = 0;

  constructor() {
    this.picker = dropdown('Document', (file) => this.show(file), 'document-select');
    this.picker.element.classList.add('document-select');
    this.openButton = button({
      label: 'Open in editor',
      appearance: 'secondary',
      id: 'open-document',
      onClick: () => {
        if (this.current) post({ type: 'openFile', file: this.current });
      },
    });
    this.article = h('article', {
      className: 'markdown-body',
      id: 'document',
      attrs: { tabindex: '0', 'aria-label': 'Document' },
    });
    this.article.addEventListener('click', (e) => {
      const link = (e.target as Element | null)?.closest?.('a');
      if (!link) return;
      // Nothing in a rendered document navigates the page; relative links open the file in VS Code.
      e.preventDefault();
      const file = link.getAttribute('data-file');
      if (link.classList.contains('doc-link') && file) post({ type: 'openFile', file });
    });
    this.element = h(
      'section',
      { className: 'documents' },
      h(
        'div',
        { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Document controls' } },
        this.picker.element,
        this.openButton,
      ),
      this.article,
    );
  }

  update(state: PreviewState): void {
    this.state = state;
    this.picker.setOptions(
      state.documents.map((d) => ({
        value: d.file,
        label: d.group === 'architecture' ? `${d.title} (${d.file})` : d.title,
      })),
      undefined,
    );
    const wanted = this.current ?? uiState().document;
    const doc = state.documents.find((d) => d.file === wanted) ?? state.documents[0];
    this.render(doc);
  }

  /** Shows `file` if it is one of the documents; false otherwise. */
  reveal(file: string): boolean {
    if (!this.state?.documents.some((d) => d.file === file)) return false;
    this.show(file);
    return true;
  }

  /** Re-renders after a theme change (diagrams inside documents). */
  rerender(): void {
    this.shown = undefined;
    this.render(this.state?.documents.find((d) => d.file === this.current));
  }

  /** The tab became visible: diagrams rendered while it was hidden get their size now. */
  becameVisible(): void {
    const mermaid = loadedMermaid();
    if (!mermaid) return;
    for (const svg of this.article.querySelectorAll<SVGSVGElement>('.md-mermaid svg:not([data-cropped])'))
      mermaid.cropSvg(svg);
  }

  private show(file: string): void {
    this.render(this.state?.documents.find((d) => d.file === file));
  }

  private render(doc: PreviewDocument | undefined): void {
    setDisabled(this.openButton, !doc);
    if (!doc) {
      this.current = undefined;
      this.shown = undefined;
      this.picker.element.hidden = true;
      this.article.replaceChildren(
        h('p', { text: 'No documents yet.' }),
        h('p', {
          className: 'muted',
          text: 'Each step of the workflow writes its document here; ARCHITECTURE.md is assembled at the end.',
        }),
      );
      return;
    }
    this.picker.element.hidden = false;
    this.picker.setOptions(
      (this.state?.documents ?? []).map((d) => ({
        value: d.file,
        label: d.group === 'architecture' ? `${d.title} (${d.file})` : d.title,
      })),
      doc.file,
    );
    const sameFile = doc.file === this.current;
    this.current = doc.file;
    saveUiState({ document: doc.file });
    const signature = `${document.body.className}\u0000${doc.file}\u0000${doc.markdown}`;
    if (signature === this.shown) return;
    this.shown = signature;
    const scroll = sameFile ? this.article.scrollTop : 0;
    const { html, mermaid } = renderMarkdown(this.md, doc.file, doc.markdown);
    // markdown-it runs with html: false, so the HTML holds only the tags it generates itself.
    this.article.innerHTML = html;
    if (doc.meta?.length) this.article.prepend(this.metaTable(doc.meta));
    if (doc.truncated) {
      this.article.prepend(
        h('p', {
          className: 'notice',
          text: 'This document is very long; the preview shows its beginning only. Open it in the editor to read all of it.',
        }),
      );
    }
    this.article.scrollTop = scroll;
    void this.renderDiagrams(mermaid, doc);
  }

  /** A document's facts (an ADR's status, date, …) as a small two-column table. */
  private metaTable(meta: readonly { name: string; value: string }[]): HTMLElement {
    return h(
      'table',
      { className: 'doc-meta', attrs: { 'aria-label': 'Decision record facts' } },
      h(
        'tbody',
        {},
        ...meta.map((m) => h('tr', {}, h('th', { text: m.name, attrs: { scope: 'row' } }), h('td', { text: m.value }))),
      ),
    );
  }

  /** Draws a C4 block with our renderer; false when it cannot (Mermaid gets a go). */
  private async drawC4(index: number, view: DiagramView): Promise<boolean> {
    const slot = this.article.querySelector(`.md-mermaid[data-mermaid-index="${index}"]`);
    if (!slot) return true;
    try {
      const { svg } = (await diagramModule()).drawDiagram(view);
      svg.classList.add('md-c4');
      svg.style.setProperty('max-width', '100%');
      svg.style.setProperty('height', 'auto');
      slot.replaceChildren(svg);
      slot.classList.add('rendered');
      return true;
    } catch {
      return false;
    }
  }

  private async renderDiagrams(sources: string[], doc: PreviewDocument): Promise<void> {
    const seq = ++this.renderSeq;
    for (const [index, source] of sources.entries()) {
      const c4 = doc.c4?.find((b) => b.source.trim() === source.trim());
      if (c4 && (await this.drawC4(index, c4.view))) {
        if (seq !== this.renderSeq) return;
        continue;
      }
      const mermaid = await mermaidModule().catch(() => undefined);
      if (seq !== this.renderSeq) return;
      const result = mermaid
        ? await mermaid.renderMermaid(source)
        : { ok: false as const, message: 'The Mermaid renderer could not be loaded.' };
      if (seq !== this.renderSeq) return;
      const slot = this.article.querySelector(`.md-mermaid[data-mermaid-index="${index}"]`);
      if (!slot) continue;
      const svg = result.ok && mermaid ? mermaid.svgElement(result.svg) : undefined;
      if (svg) {
        svg.setAttribute('role', 'img');
        svg.style.setProperty('max-width', '100%');
        svg.style.setProperty('height', 'auto');
        slot.replaceChildren(svg);
        slot.classList.add('rendered');
        mermaid?.cropSvg(svg);
      } else if (!result.ok) {
        slot.prepend(
          h(
            'div',
            { className: 'render-error', attrs: { role: 'note' } },
            h('strong', { text: 'This diagram could not be drawn: ' }),
            result.message.split('\n')[0],
            result.line !== undefined && result.lineText !== undefined
              ? h('p', {}, `Line ${result.line}: `, h('code', { className: 'error-line', text: result.lineText }))
              : null,
          ),
        );
      }
    }
  }
}
