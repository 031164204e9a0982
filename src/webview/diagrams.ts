/**
 * The Diagrams tab: the C4 views of levels 1-3 laid out and drawn by our renderer (ELK layout, C4
 * shapes, theme colours), a level switcher, a legend, fit (the whole view), zoom and pan (buttons,
 * keyboard, drag, Ctrl+wheel), export as SVG or PNG, and the selected element's details. Elements are
 * known by the ids in the view data, never by their label text. A view that cannot be drawn shows why.
 */
import { LEGIBLE_SCALE } from '../shared/diagram/style';
import { legendItems } from '../shared/diagram/legend';
import type { DiagramView } from '../shared/diagram/types';
import type { ExportFormat, PreviewDiagram, PreviewElement, PreviewState } from '../shared/protocol';
import { type DiagramModule, diagramModule } from './lazy';
import { adrNumber, h, nodes } from './dom';
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
const PAD = 8;
type Level = PreviewDiagram['level'];
const LEVEL_NAMES: Record<Level, string> = { 1: 'Context', 2: 'Containers', 3: 'Components', 4: 'Deployment' };
const LEVEL_TITLES: Record<Level, string> = {
  1: 'Level 1 · System Context',
  2: 'Level 2 · Containers',
  3: 'Level 3 · Components',
  4: 'Deployment view',
};
const KIND_NAMES: Record<PreviewElement['kind'], string> = {
  person: 'Person',
  system: 'Software system',
  container: 'Container',
  component: 'Component',
  infrastructure: 'Infrastructure',
  environment: 'Environment',
  node: 'Deployment node',
};

export class DiagramsView {
  readonly element: HTMLElement;
  private readonly levelButtons = new Map<Level, HTMLElement>();
  private readonly componentSelect: Dropdown;
  private readonly environmentSelect: Dropdown;
  /** The view shown last at each level (the container or environment chosen there). */
  private readonly lastAt = new Map<Level, string>();
  private readonly elementSelect: Dropdown;
  private readonly zoomLabel: HTMLElement;
  private readonly issues: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly details: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly layoutBox: HTMLElement;
  private state?: PreviewState;
  private current?: PreviewDiagram;
  /** The text and theme the canvas shows, to skip re-rendering unchanged diagrams. */
  private shown?: string;
  private svgSize = { width: 0, height: 0 };
  private box: ViewBox = { scale: 1, x: PAD, y: PAD, fit: true };
  private reported = new Set<string>();
  private renderSeq = 0;

  constructor() {
    const levelSwitch = h('div', { className: 'segmented', attrs: { role: 'group', 'aria-label': 'C4 level' } });
    for (const level of [1, 2, 3, 4] as const) {
      const b = button({
        label: level === 4 ? LEVEL_NAMES[level] : `${level} · ${LEVEL_NAMES[level]}`,
        appearance: 'secondary',
        ariaLabel: LEVEL_TITLES[level],
        title: LEVEL_TITLES[level],
        onClick: () => this.selectLevel(level),
      });
      b.dataset.level = String(level);
      this.levelButtons.set(level, b);
      levelSwitch.append(b);
    }
    this.componentSelect = dropdown('Container shown at level 3', (key) => this.select(key), 'component-select');
    this.componentSelect.element.classList.add('component-select');
    this.environmentSelect = dropdown('Environment shown', (key) => this.select(key), 'environment-select');
    this.environmentSelect.element.classList.add('environment-select');
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
        label: 'Fit',
        appearance: 'secondary',
        title: 'Fit the whole view (0)',
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
    const exports = h(
      'div',
      { className: 'export', attrs: { role: 'group', 'aria-label': 'Export' } },
      button({
        label: 'SVG',
        appearance: 'secondary',
        ariaLabel: 'Export this view as SVG',
        title: 'Save this view as an SVG file beside its .mmd file',
        id: 'export-svg',
        onClick: () => void this.exportCurrent('svg'),
      }),
      button({
        label: 'PNG',
        appearance: 'secondary',
        ariaLabel: 'Export this view as PNG',
        title: 'Save this view as a PNG image beside its .mmd file',
        id: 'export-png',
        onClick: () => void this.exportCurrent('png'),
      }),
    );
    const toolbar = h(
      'div',
      { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Diagram controls' } },
      levelSwitch,
      this.componentSelect.element,
      this.environmentSelect.element,
      this.elementSelect.element,
      zoom,
      exports,
    );
    this.legend = h('div', { className: 'legend', id: 'legend', attrs: { role: 'list', 'aria-label': 'Legend' } });
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
            'Diagram. Arrow keys pan, plus and minus zoom, 0 fits the whole view, 1 shows the actual size, Escape clears the selection.',
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
      this.legend,
      (this.layoutBox = h('div', { className: 'diagram-layout' }, this.viewport, this.details)),
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
      if (this.box.fit) this.fit(false);
      else this.apply();
    }).observe(this.viewport);
    // The viewport ends at the window's bottom however tall the toolbar and legend above it are (a
    // legend of two rows would otherwise push its bottom out of the window).
    const above = new ResizeObserver(() => this.fitToWindow());
    for (const el of [toolbar, this.issues, this.legend]) above.observe(el);
    window.addEventListener('resize', () => this.fitToWindow());
  }

  /** Sets the viewport's top (in the page) for the stylesheet's height, which fills the window below it. */
  private fitToWindow(): void {
    const top = Math.round(this.viewport.getBoundingClientRect().top + window.scrollY);
    if (top > 0) this.viewport.style.setProperty('--af-viewport-top', `${top}px`);
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

  private selectLevel(level: Level): void {
    const diagrams = this.state?.diagrams ?? [];
    // At levels 3 and 4 keep the container or environment the user chose last, if it still has a view.
    const saved = this.lastAt.get(level) ?? uiState().diagram;
    const target =
      ((level === 3 || level === 4) && diagrams.find((d) => d.level === level && d.key === saved)) ||
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
    if (d) this.lastAt.set(d.level, d.key);
    for (const [level, b] of this.levelButtons) setPressed(b, d?.level === level);
    const level3 = (this.state?.diagrams ?? []).filter((x) => x.level === 3);
    this.componentSelect.element.hidden = d?.level !== 3 || level3.length === 0;
    this.componentSelect.setOptions(
      level3.map((x) => ({ value: x.key, label: x.title.replace(/^Component View — /, '') })),
      d?.level === 3 ? d.key : undefined,
    );
    const level4 = (this.state?.diagrams ?? []).filter((x) => x.level === 4);
    this.environmentSelect.element.hidden = d?.level !== 4 || level4.length === 0;
    this.environmentSelect.setOptions(
      level4.map((x) => ({ value: x.key, label: x.environmentName ?? x.title })),
      d?.level === 4 ? d.key : undefined,
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
    const signature = JSON.stringify(d.view);
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
    this.shown = signature;
    this.renderLegend(d.view);
    if (!this.canvas.querySelector('svg')) {
      this.canvas.replaceChildren(h('p', { className: 'muted rendering', text: 'Drawing the diagram…' }));
    }
    this.viewport.setAttribute('aria-busy', 'true');
    let drawn: ReturnType<DiagramModule['drawDiagram']>;
    let started = 0;
    try {
      const renderer = await diagramModule();
      if (seq !== this.renderSeq) return;
      started = performance.now();
      drawn = renderer.drawDiagram(d.view);
    } catch (err) {
      if (seq !== this.renderSeq) return;
      this.viewport.removeAttribute('aria-busy');
      const message = err instanceof Error ? err.message : String(err);
      this.svgSize = { width: 0, height: 0 };
      this.canvas.style.transform = '';
      this.canvas.replaceChildren(this.errorBox(d, message));
      this.reportOnce(`${d.file}: ${message}`);
      this.renderDetails(this.selectedElement());
      return;
    }
    this.viewport.removeAttribute('aria-busy');
    const { svg, layout } = drawn;
    svg.dataset.diagram = d.key;
    svg.dataset.renderMs = String(Math.round(performance.now() - started));
    this.canvas.replaceChildren(svg);
    this.svgSize = { width: layout.width, height: layout.height };
    for (const shape of svg.querySelectorAll<SVGGElement>('[data-element-id]')) {
      shape.classList.add('selectable');
      const e = this.state?.elements[shape.dataset.elementId ?? ''];
      if (e) shape.setAttribute('aria-label', `${KIND_NAMES[e.kind]} ${e.name}`);
    }
    if (this.box.fit) this.fit(false);
    else this.apply();
    this.renderDetails(this.selectedElement());
  }

  /** One entry per kind of element the view draws, with its swatch in the theme's colours. */
  private renderLegend(view: DiagramView): void {
    const items = legendItems(view);
    this.legend.replaceChildren(
      h('span', { className: 'legend-title', text: 'Legend' }),
      ...items.map((item) => {
        const swatch = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        swatch.setAttribute('class', 'af-diagram legend-swatch');
        swatch.setAttribute('viewBox', '0 0 28 22');
        swatch.setAttribute('width', '28');
        swatch.setAttribute('height', '22');
        swatch.setAttribute('aria-hidden', 'true');
        const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
        const shape = (tag: string, attrs: Record<string, string>): SVGElement => {
          const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
          for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
          g.append(el);
          return el;
        };
        if (item.kind === 'relationship') {
          shape('path', { class: 'af-edge-line', d: 'M1,11 H22' });
          shape('path', { class: 'af-arrowhead', d: 'M20,6 L27,11 L20,16 Z' });
        } else if (item.kind === 'proposed') {
          g.setAttribute('class', 'af-legend-item af-proposed');
          shape('rect', { class: 'af-shape', x: '1', y: '1', width: '26', height: '20', rx: '4' });
        } else if (item.kind === 'boundary' || item.kind === 'node') {
          g.setAttribute('class', item.kind === 'node' ? 'af-boundary af-boundary-node' : 'af-boundary');
          shape('rect', { class: 'af-boundary-shape', x: '1', y: '1', width: '26', height: '20', rx: '3' });
        } else {
          g.setAttribute('class', `af-${item.kind}${item.external ? ' af-external' : ''}`);
          if (item.shape === 'person') {
            shape('rect', { class: 'af-shape', x: '2', y: '10', width: '24', height: '11', rx: '5' });
            shape('circle', { class: 'af-shape', cx: '14', cy: '6', r: '5' });
          } else if (item.shape === 'database') {
            shape('path', { class: 'af-shape', d: 'M2,5 V17 A12,4 0 0 0 26,17 V5 A12,4 0 0 0 2,5 Z' });
            shape('ellipse', { class: 'af-shape', cx: '14', cy: '5', rx: '12', ry: '4' });
          } else if (item.shape === 'queue') {
            shape('rect', { class: 'af-shape', x: '1', y: '4', width: '26', height: '14', rx: '7' });
          } else {
            shape('rect', { class: 'af-shape', x: '1', y: '1', width: '26', height: '20', rx: '4' });
          }
        }
        swatch.append(g);
        return h('span', { className: 'legend-item', attrs: { role: 'listitem' } }, swatch, item.label);
      }),
    );
  }

  /** Exports the current view; the host saves it beside its `.mmd` file. */
  private async exportCurrent(format: ExportFormat): Promise<void> {
    if (this.current) await this.exportDiagram(this.current, format);
  }

  /** Draws `d` as a standalone file and sends it to the host. */
  async exportDiagram(d: PreviewDiagram, format: ExportFormat): Promise<void> {
    try {
      const renderer = await diagramModule();
      const data = format === 'svg' ? renderer.svgFile(d.view) : await renderer.pngFile(d.view);
      post({ type: 'exportDiagram', file: d.file, format, data });
    } catch (err) {
      this.reportOnce(`${d.file}: export as ${format} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Exports the views of `files` (all when absent), for the Export Diagrams command. */
  async exportViews(format: ExportFormat, files?: readonly string[]): Promise<void> {
    for (const d of this.state?.diagrams ?? []) {
      if (!files || files.includes(d.file)) await this.exportDiagram(d, format);
    }
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

  /** The element list of the current view, by name. */
  private elementOptions(): { value: string; label: string }[] {
    const view = this.current?.view;
    const drawn = [
      ...(view?.elements ?? []).map((e) => ({ id: e.id, name: e.name, kind: e.kind, external: e.external })),
      ...(view?.boundaries ?? []).map((b) => ({ id: b.id, name: b.name, kind: b.kind, external: b.external })),
    ].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return [
      { value: '', label: 'Select an element…' },
      ...drawn.map((e) => ({
        value: e.id,
        label: `${e.name} (${e.external ? 'external ' : ''}${KIND_NAMES[e.kind].toLowerCase()})`,
      })),
    ];
  }

  /** The selected element, when it is drawn in the current view (the picker and the ring show the same). */
  private selectedElement(): PreviewElement | undefined {
    const id = uiState().element;
    const view = this.current?.view;
    if (!id || !view || ![...view.elements, ...view.boundaries].some((e) => e.id === id)) return undefined;
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
    this.layoutBox.classList.toggle('has-selection', e !== undefined);
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

  /**
   * Scales the whole diagram into the viewport (never above 100%) and centres it; never below the zoom
   * at which the smallest text is 11 px, though: a view too big for that opens at its top left, to pan.
   */
  private fit(remember = true): void {
    const { width, height } = this.svgSize;
    const availableX = this.viewport.clientWidth - 2 * PAD;
    const availableY = this.viewport.clientHeight - 2 * PAD;
    if (width <= 0 || availableX <= 0 || availableY <= 0) return;
    const scale = Math.min(1, Math.max(LEGIBLE_SCALE, Math.min(availableX / width, availableY / height)));
    this.box = {
      scale,
      x: PAD + Math.max(0, (availableX - width * scale) / 2),
      y: PAD + Math.max(0, (availableY - height * scale) / 2),
      fit: true,
    };
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
