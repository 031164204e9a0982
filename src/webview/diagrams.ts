/**
 * The Diagrams tab: the C4 views of levels 1-3 rendered to SVG, a level switcher, fit-to-width, zoom
 * and pan (buttons, keyboard, drag, Ctrl+wheel), and the selected element's details. A view that
 * Mermaid cannot draw shows Mermaid's message and the offending line, never an empty area.
 */
import type { PreviewDiagram, PreviewElement, PreviewState } from '../shared/protocol';
import { adrNumber, h, nodes } from './dom';
import { cropSvg, renderMermaid, svgElement } from './mermaidSetup';
import { type Dropdown, button, dropdown, setDisabled, setPressed, tag } from './toolkit';
import { post, saveUiState, uiState } from './vscodeApi';

interface ViewBox {
  scale: number;
  x: number;
  y: number;
  /** Follow the viewport's width (until the user zooms or pans). */
  fit: boolean;
}

const MIN_SCALE = 0.05;
const MAX_SCALE = 4;
const PAD = 16;
const LEVEL_NAMES: Record<1 | 2 | 3, string> = { 1: 'System Context', 2: 'Containers', 3: 'Components' };
const KIND_NAMES: Record<PreviewElement['kind'], string> = {
  person: 'Person',
  system: 'Software system',
  container: 'Container',
  component: 'Component',
};

/** Label text as the SVG shows it: Mermaid wraps long labels into lines, dropping the spaces between. */
function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

export class DiagramsView {
  readonly element: HTMLElement;
  private readonly levelButtons = new Map<1 | 2 | 3, HTMLElement>();
  private readonly componentSelect: Dropdown;
  private readonly elementSelect: Dropdown;
  private readonly zoomLabel: HTMLElement;
  private readonly issues: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly details: HTMLElement;
  private state?: PreviewState;
  private current?: PreviewDiagram;
  /** The text and theme the canvas shows, to skip re-rendering unchanged diagrams. */
  private shown?: string;
  private renderSeq = 0;
  private svgSize = { width: 0, height: 0 };
  private box: ViewBox = { scale: 1, x: PAD, y: PAD, fit: true };
  private reported = new Set<string>();

  constructor() {
    const levelSwitch = h('div', { className: 'segmented', attrs: { role: 'group', 'aria-label': 'C4 level' } });
    for (const level of [1, 2, 3] as const) {
      const b = button({
        label: `Level ${level} · ${LEVEL_NAMES[level]}`,
        appearance: 'secondary',
        onClick: () => this.selectLevel(level),
      });
      b.dataset.level = String(level);
      this.levelButtons.set(level, b);
      levelSwitch.append(b);
    }
    this.componentSelect = dropdown('Container shown at level 3', (key) => this.select(key), 'component-select');
    this.componentSelect.element.classList.add('component-select');
    this.elementSelect = dropdown(
      'Select an element of this diagram',
      (id) => this.selectElement(id || undefined, true),
      'element-select',
    );
    this.elementSelect.element.classList.add('element-select');
    this.zoomLabel = h('span', { className: 'zoom-level', attrs: { 'aria-live': 'polite' }, text: '100%' });
    const zoom = h(
      'div',
      { className: 'zoom', attrs: { role: 'group', 'aria-label': 'Zoom' } },
      button({
        label: '−',
        appearance: 'secondary',
        ariaLabel: 'Zoom out',
        title: 'Zoom out (−)',
        id: 'zoom-out',
        onClick: () => this.zoomBy(1 / 1.25),
      }),
      this.zoomLabel,
      button({
        label: '+',
        appearance: 'secondary',
        ariaLabel: 'Zoom in',
        title: 'Zoom in (+)',
        id: 'zoom-in',
        onClick: () => this.zoomBy(1.25),
      }),
      button({
        label: 'Fit width',
        appearance: 'secondary',
        title: 'Fit to width (0)',
        id: 'zoom-fit',
        onClick: () => this.fit(),
      }),
      button({
        label: '100%',
        appearance: 'secondary',
        ariaLabel: 'Actual size',
        title: 'Actual size (1)',
        id: 'zoom-actual',
        onClick: () => this.actualSize(),
      }),
    );
    const toolbar = h(
      'div',
      { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Diagram controls' } },
      levelSwitch,
      this.componentSelect.element,
      this.elementSelect.element,
      zoom,
    );
    this.issues = h('div', { className: 'issues', hidden: true, attrs: { role: 'status' } });
    this.canvas = h('div', { className: 'canvas', id: 'canvas' });
    this.viewport = h(
      'div',
      {
        className: 'viewport',
        id: 'viewport',
        attrs: {
          tabindex: '0',
          role: 'region',
          'aria-roledescription': 'diagram',
          'aria-label':
            'Diagram. Arrow keys pan, plus and minus zoom, 0 fits the width, 1 shows the actual size, Escape clears the selection.',
        },
      },
      this.canvas,
    );
    this.details = h('aside', {
      className: 'details',
      id: 'details',
      attrs: { 'aria-label': 'Selected element', 'aria-live': 'polite' },
    });
    this.element = h(
      'section',
      { className: 'diagrams' },
      toolbar,
      this.issues,
      h('div', { className: 'diagram-layout' }, this.viewport, this.details),
    );
    this.details.addEventListener('click', (e) => {
      const link = (e.target as Element | null)?.closest?.('a.doc-link');
      const file = link?.getAttribute('data-file');
      if (!link || !file) return;
      e.preventDefault();
      post({ type: 'openFile', file });
    });
    this.installInput();
    new ResizeObserver(() => {
      const svg = this.canvas.querySelector('svg');
      if (svg && !svg.dataset.cropped) this.sizeSvg(svg);
      if (this.box.fit) this.fit(false);
      else this.apply();
    }).observe(this.viewport);
  }

  /** Shows a new state; re-renders the current diagram only when its text changed. */
  update(state: PreviewState): void {
    this.state = state;
    for (const [level, b] of this.levelButtons) setDisabled(b, !state.diagrams.some((d) => d.level === level));
    const wanted = this.current?.key ?? uiState().diagram;
    const next = state.diagrams.find((d) => d.key === wanted) ?? state.diagrams[0];
    this.show(next);
  }

  /** Selects the diagram written to `file` (e.g. diagrams/c4-container.mmd); false when there is none. */
  reveal(file: string): boolean {
    const d = this.state?.diagrams.find((x) => x.file === file);
    if (!d) return false;
    this.select(d.key);
    return true;
  }

  /** Re-renders after a theme change. */
  rerender(): void {
    this.shown = undefined;
    if (this.current) this.show(this.current);
  }

  private selectLevel(level: 1 | 2 | 3): void {
    const diagrams = this.state?.diagrams ?? [];
    // At level 3 keep the container the user chose last, if it still has a view.
    const saved = uiState().diagram;
    const target =
      (level === 3 && diagrams.find((d) => d.level === 3 && d.key === saved)) ||
      diagrams.find((d) => d.level === level);
    if (target) this.select(target.key);
  }

  private select(key: string): void {
    const d = this.state?.diagrams.find((x) => x.key === key);
    if (!d || d.key === this.current?.key) return;
    this.show(d);
  }

  private show(d: PreviewDiagram | undefined): void {
    const changedDiagram = d?.key !== this.current?.key;
    this.current = d;
    for (const [level, b] of this.levelButtons) setPressed(b, d?.level === level);
    const level3 = (this.state?.diagrams ?? []).filter((x) => x.level === 3);
    this.componentSelect.element.hidden = d?.level !== 3 || level3.length === 0;
    this.componentSelect.setOptions(
      level3.map((x) => ({ value: x.key, label: x.title.replace(/^Component View — /, '') })),
      d?.level === 3 ? d.key : undefined,
    );
    this.showIssues(d);
    if (!d) {
      this.shown = undefined;
      this.elementSelect.element.hidden = true;
      this.canvas.replaceChildren(this.emptyMessage());
      this.renderDetails(undefined);
      return;
    }
    this.elementSelect.element.hidden = false;
    if (changedDiagram) {
      saveUiState({ diagram: d.key });
      this.box = { ...(uiState().views?.[d.key] ?? { scale: 1, x: PAD, y: PAD, fit: true }) };
    }
    this.elementSelect.setOptions(this.elementOptions(), this.selectedElement()?.id ?? '');
    const signature = `${document.body.className}\u0000${d.mermaid}`;
    if (signature !== this.shown) void this.render(d, signature);
    else this.renderDetails(this.selectedElement());
  }

  private emptyMessage(): HTMLElement {
    const problems = this.state?.diagramProblems ?? [];
    return h(
      'div',
      { className: 'empty' },
      h('p', { text: problems.length ? 'The C4 model could not be read.' : 'No C4 model yet.' }),
      h('p', {
        className: 'muted',
        text: 'Step 2 (High-Level Design) writes level 1, step 3 (Service Design) levels 2 and 3, into diagrams/c4-model.json.',
      }),
    );
  }

  private showIssues(d: PreviewDiagram | undefined): void {
    const problems = [...(this.state?.diagramProblems ?? []), ...(d?.issues ?? [])];
    this.issues.hidden = problems.length === 0;
    this.issues.replaceChildren(
      ...(problems.length
        ? [
            h('strong', { text: `${problems.length} problem${problems.length === 1 ? '' : 's'} in the C4 model` }),
            h('ul', {}, ...problems.map((p) => h('li', { text: p }))),
          ]
        : []),
    );
  }

  private async render(d: PreviewDiagram, signature: string): Promise<void> {
    const seq = ++this.renderSeq;
    this.viewport.setAttribute('aria-busy', 'true');
    if (!this.canvas.firstChild)
      this.canvas.replaceChildren(h('p', { className: 'muted rendering', text: 'Rendering…' }));
    const result = await renderMermaid(d.mermaid);
    if (seq !== this.renderSeq) return;
    this.viewport.removeAttribute('aria-busy');
    this.shown = signature;
    if (!result.ok) {
      this.svgSize = { width: 0, height: 0 };
      this.canvas.style.transform = '';
      this.canvas.replaceChildren(this.errorBox(d, result.message, result.line, result.lineText));
      this.reportOnce(`${d.file}: ${result.message}`);
      this.renderDetails(this.selectedElement());
      return;
    }
    // Mermaid's output in strict mode is sanitised SVG; labels were plain text before they got there.
    const svg = svgElement(result.svg);
    if (!svg) return;
    this.canvas.replaceChildren(svg);
    svg.setAttribute('data-diagram', d.key);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', d.title);
    svg.style.maxWidth = 'none';
    this.sizeSvg(svg);
    this.markElements(svg, d);
    if (this.box.fit) this.fit(false);
    else this.apply();
    this.renderDetails(this.selectedElement());
  }

  /**
   * Crops Mermaid's view box to what is drawn (C4 views leave a wide empty band above the title) and
   * sizes the SVG at 100%. A hidden tab has no layout: the crop then waits until the tab is shown.
   */
  private sizeSvg(svg: SVGSVGElement): void {
    cropSvg(svg);
    const vb = svg.viewBox.baseVal;
    const width = vb && vb.width > 0 ? vb.width : svg.getBoundingClientRect().width;
    const height = vb && vb.height > 0 ? vb.height : svg.getBoundingClientRect().height;
    this.svgSize = { width, height };
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
  }

  private errorBox(d: PreviewDiagram, message: string, line?: number, lineText?: string): HTMLElement {
    return h(
      'div',
      { className: 'render-error', attrs: { role: 'alert' } },
      h('strong', { text: `${d.title} could not be drawn.` }),
      h('pre', { className: 'error-message', text: message }),
      line !== undefined && lineText !== undefined
        ? h('p', {}, `Line ${line}: `, h('code', { className: 'error-line', text: lineText }))
        : null,
      h('details', {}, h('summary', { text: `Mermaid source (${d.file})` }), h('pre', { text: d.mermaid })),
    );
  }

  private reportOnce(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    post({ type: 'reportProblem', message: message.slice(0, 2000) });
  }

  /** Finds each element of the view in the SVG by its label text and makes it selectable. */
  private markElements(svg: SVGSVGElement, d: PreviewDiagram): void {
    const byLabel = new Map<string, string>();
    for (const e of d.elements) if (!byLabel.has(squash(e.label))) byLabel.set(squash(e.label), e.id);
    const taken = new Set<string>();
    // Element shapes: their name is the first label; boundaries carry their name as a plain text.
    for (const shape of svg.querySelectorAll<SVGGElement>('g.c4-shape, g.node')) {
      const name = shape.querySelector('.c4-name text, text');
      const id = name ? byLabel.get(squash(name.textContent ?? '')) : undefined;
      if (id === undefined || taken.has(id)) continue;
      this.markShape(shape, id);
      taken.add(id);
    }
    for (const text of svg.querySelectorAll<SVGTextElement>('text')) {
      const id = byLabel.get(squash(text.textContent ?? ''));
      if (id === undefined || taken.has(id) || text.closest('[data-element-id]')) continue;
      const group = text.parentElement;
      if (!(group instanceof SVGGElement) || !group.querySelector(':scope > rect')) continue;
      this.markShape(group, id);
      taken.add(id);
    }
  }

  private markShape(shape: SVGGElement, id: string): void {
    shape.dataset.elementId = id;
    shape.classList.add('selectable');
    const e = this.state?.elements[id];
    shape.setAttribute('aria-label', e ? `${KIND_NAMES[e.kind]} ${e.name}` : id);
  }

  /** The element list of the current view, by label. */
  private elementOptions(): { value: string; label: string }[] {
    const elements = [...(this.current?.elements ?? [])].sort((a, b) => a.label.localeCompare(b.label));
    return [
      { value: '', label: 'Select an element…' },
      ...elements.map((e) => {
        const kind = this.state?.elements[e.id]?.kind;
        return { value: e.id, label: kind ? `${e.label} (${KIND_NAMES[kind]})` : e.label };
      }),
    ];
  }

  private selectedElement(): PreviewElement | undefined {
    const id = uiState().element;
    if (!id || !this.current?.elements.some((e) => e.id === id)) return undefined;
    return this.state?.elements[id];
  }

  private selectElement(id: string | undefined, scrollIntoView: boolean): void {
    saveUiState({ element: id });
    this.elementSelect.setOptions(this.elementOptions(), id ?? '');
    const e = this.selectedElement();
    this.renderDetails(e);
    if (e && scrollIntoView) this.centerOn(e.id);
  }

  /** Draws a ring around the selected element (its own shapes carry inline !important colours). */
  private highlight(id: string | undefined): void {
    for (const el of this.canvas.querySelectorAll('.selection-ring')) el.remove();
    for (const el of this.canvas.querySelectorAll('.selected')) el.classList.remove('selected');
    if (!id) return;
    const shape = this.canvas.querySelector<SVGGraphicsElement>(`[data-element-id="${CSS.escape(id)}"]`);
    if (!shape) return;
    shape.classList.add('selected');
    const box = shape.getBBox();
    const ring = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    ring.setAttribute('class', 'selection-ring');
    ring.setAttribute('x', String(box.x - 6));
    ring.setAttribute('y', String(box.y - 6));
    ring.setAttribute('width', String(box.width + 12));
    ring.setAttribute('height', String(box.height + 12));
    ring.setAttribute('rx', '8');
    shape.append(ring);
  }

  private renderDetails(e: PreviewElement | undefined): void {
    this.highlight(e?.id);
    if (!e) {
      this.details.replaceChildren(
        h('h2', { text: 'Details' }),
        h('p', {
          className: 'muted',
          text: 'Click an element in the diagram, or choose one from the list, to see its description, technology, requirements and ADRs.',
        }),
      );
      return;
    }
    const parent = e.parent ? this.state?.elements[e.parent] : undefined;
    const kind = `${e.external ? 'External ' : ''}${KIND_NAMES[e.kind].toLowerCase()}`;
    const section = (title: string, body: Node): HTMLElement => h('section', {}, h('h3', { text: title }), body);
    this.details.replaceChildren(
      ...nodes(
        h('h2', { text: e.name }),
        h('p', { className: 'element-meta' }, tag(kind), ' ', h('code', { text: e.id })),
        e.technology ? section('Technology', h('p', { text: e.technology })) : null,
        section('Description', h('p', { text: e.description || '—' })),
        e.parent
          ? section(e.kind === 'component' ? 'Container' : 'System', h('p', { text: parent ? parent.name : e.parent }))
          : null,
        section(
          'Requirements',
          e.requirements.length
            ? h('p', { className: 'tags' }, ...e.requirements.flatMap((r) => [tag(r), ' ']))
            : h('p', { className: 'muted', text: 'No requirement is linked to this element.' }),
        ),
        section(
          'ADRs',
          e.adrs.length
            ? h(
                'ul',
                { className: 'adr-links' },
                ...e.adrs.map((a) =>
                  h(
                    'li',
                    {},
                    h('a', {
                      className: 'doc-link',
                      text: `ADR ${adrNumber(a.number)} — ${a.title}`,
                      title: `Open ${a.file}`,
                      attrs: { href: '#', 'data-file': a.file },
                    }),
                  ),
                ),
              )
            : h('p', { className: 'muted', text: 'No ADR mentions this element.' }),
        ),
        e.findings.length
          ? section(
              'Security findings',
              h(
                'ul',
                {},
                ...e.findings.map((f) => h('li', { text: `${f.id} (${f.severity}, ${f.status}): ${f.title}` })),
              ),
            )
          : null,
      ),
    );
  }

  // ---- zoom and pan ----

  private apply(): void {
    this.canvas.style.transform = `translate(${this.box.x}px, ${this.box.y}px) scale(${this.box.scale})`;
    this.zoomLabel.textContent = `${Math.round(this.box.scale * 100)}%`;
  }

  private remember(): void {
    if (!this.current) return;
    saveUiState({ views: { ...(uiState().views ?? {}), [this.current.key]: { ...this.box } } });
  }

  /** Scales the diagram to the viewport's width (never above 150%) and puts it at the top left. */
  private fit(remember = true): void {
    const { width } = this.svgSize;
    const available = this.viewport.clientWidth - 2 * PAD;
    if (width <= 0 || available <= 0) return;
    const scale = Math.min(1.5, Math.max(MIN_SCALE, available / width));
    this.box = { scale, x: PAD + Math.max(0, (available - width * scale) / 2), y: PAD, fit: true };
    this.apply();
    if (remember) this.remember();
  }

  private actualSize(): void {
    this.zoomTo(1, this.viewport.clientWidth / 2, this.viewport.clientHeight / 2);
  }

  private zoomBy(factor: number, atX = this.viewport.clientWidth / 2, atY = this.viewport.clientHeight / 2): void {
    this.zoomTo(this.box.scale * factor, atX, atY);
  }

  /** Zooms keeping the diagram point under (atX, atY) in place. */
  private zoomTo(target: number, atX: number, atY: number): void {
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, target));
    const k = scale / this.box.scale;
    this.box = { scale, x: atX - (atX - this.box.x) * k, y: atY - (atY - this.box.y) * k, fit: false };
    this.apply();
    this.remember();
  }

  private panBy(dx: number, dy: number): void {
    this.box = { ...this.box, x: this.box.x + dx, y: this.box.y + dy, fit: false };
    this.apply();
    this.remember();
  }

  /** Pans so the element's shape is in the middle of the viewport. */
  private centerOn(id: string): void {
    const shape = this.canvas.querySelector<SVGGraphicsElement>(`[data-element-id="${CSS.escape(id)}"]`);
    if (!shape) return;
    const r = shape.getBoundingClientRect();
    const v = this.viewport.getBoundingClientRect();
    const inside = r.left >= v.left && r.right <= v.right && r.top >= v.top && r.bottom <= v.bottom;
    if (!inside)
      this.panBy(v.left + v.width / 2 - (r.left + r.width / 2), v.top + v.height / 2 - (r.top + r.height / 2));
  }

  private installInput(): void {
    this.viewport.addEventListener('keydown', (e) => {
      if (e.target !== this.viewport || e.altKey || e.ctrlKey || e.metaKey) return;
      const step = e.shiftKey ? 200 : 40;
      const handled: Record<string, () => void> = {
        '+': () => this.zoomBy(1.25),
        '=': () => this.zoomBy(1.25),
        '-': () => this.zoomBy(1 / 1.25),
        _: () => this.zoomBy(1 / 1.25),
        '0': () => this.fit(),
        '1': () => this.actualSize(),
        ArrowLeft: () => this.panBy(step, 0),
        ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step),
        ArrowDown: () => this.panBy(0, -step),
        Escape: () => this.selectElement(undefined, false),
      };
      const action = handled[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    });
    this.viewport.addEventListener(
      'wheel',
      (e) => {
        if (this.svgSize.width <= 0) return;
        e.preventDefault();
        const v = this.viewport.getBoundingClientRect();
        if (e.ctrlKey || e.metaKey) this.zoomBy(Math.exp(-e.deltaY / 300), e.clientX - v.left, e.clientY - v.top);
        else this.panBy(-e.deltaX, -e.deltaY);
      },
      { passive: false },
    );
    let drag: { x: number; y: number; moved: boolean; pointer: number } | undefined;
    this.viewport.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || this.svgSize.width <= 0) return;
      drag = { x: e.clientX, y: e.clientY, moved: false, pointer: e.pointerId };
    });
    this.viewport.addEventListener('pointermove', (e) => {
      if (!drag || e.pointerId !== drag.pointer) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) {
        drag.moved = true;
        this.viewport.setPointerCapture(e.pointerId);
        this.viewport.classList.add('dragging');
      }
      drag.x = e.clientX;
      drag.y = e.clientY;
      this.panBy(dx, dy);
    });
    const end = (e: PointerEvent): void => {
      if (!drag || e.pointerId !== drag.pointer) return;
      const wasClick = !drag.moved;
      drag = undefined;
      this.viewport.classList.remove('dragging');
      if (this.viewport.hasPointerCapture(e.pointerId)) this.viewport.releasePointerCapture(e.pointerId);
      if (wasClick && e.type === 'pointerup') {
        const shape = (e.target as Element | null)?.closest?.('[data-element-id]');
        const id = shape instanceof SVGElement ? shape.dataset.elementId : undefined;
        this.selectElement(id, false);
      }
    };
    this.viewport.addEventListener('pointerup', end);
    this.viewport.addEventListener('pointercancel', end);
  }
}
