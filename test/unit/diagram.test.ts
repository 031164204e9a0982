/** The diagram renderer in plain Node: view data, Mermaid read back, layout determinism, SVG safety, palettes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockDrawsView, renderC4Views } from '../../src/core/c4/mermaid';
import { parseMermaidC4 } from '../../src/core/c4/mermaidParse';
import { elkLayout } from '../../src/shared/diagram/elk';
import { BOUNDARY_TOP, LABEL_INSET, boundaryLabelWidth, layoutView } from '../../src/shared/diagram/layout';
import { legendItems } from '../../src/shared/diagram/legend';
import { DARK, HIGH_CONTRAST, HIGH_CONTRAST_LIGHT, LIGHT, type Palette } from '../../src/shared/diagram/palette';
import { exportSvg, renderSvg } from '../../src/shared/diagram/svg';
import { textWidth, wrapText } from '../../src/shared/diagram/text';
import type { DiagramElement, DiagramView } from '../../src/shared/diagram/types';
import { FIXTURE_C4 } from '../helpers/bundleFixture';
import { largeModel } from '../browser/fixtures';

void describe('view data', () => {
  void it('the Mermaid of every view reads back as the same elements, boundaries and relationships', () => {
    for (const v of renderC4Views(FIXTURE_C4)) {
      const back = parseMermaidC4(v.text);
      assert.ok(back, `${v.file} parses`);
      assert.equal(back.kind, v.kind);
      assert.deepEqual(
        back.elements.map((e) => [e.id, e.kind, e.shape, e.external, e.boundary]),
        v.elements.map((e) => [e.id, e.kind, e.shape, e.external, e.boundary]),
      );
      assert.deepEqual(
        back.boundaries.map((b) => b.id),
        v.boundaries.map((b) => b.id),
      );
      assert.deepEqual(back.relationships, v.relationships);
      assert.ok(blockDrawsView(v.text, v), `${v.file}: its block is recognised as the view`);
    }
  });

  void it('a component block belongs to its own container only; other Mermaid is not C4', () => {
    const views = renderC4Views(FIXTURE_C4);
    const component = views.find((v) => v.kind === 'component')!;
    const other = { ...component, boundaries: [{ ...component.boundaries[0], id: 'elsewhere' }] };
    assert.equal(blockDrawsView(component.text, other), false);
    assert.equal(parseMermaidC4('flowchart LR\n  A --> B'), undefined);
    assert.equal(parseMermaidC4('C4Context\n  Person(a, "A"\n'), undefined, 'an unclosed call is not ours');
  });
});

void describe('layout and SVG', () => {
  const views = renderC4Views(FIXTURE_C4);

  void it('is deterministic: the same view gives the same SVG', () => {
    for (const v of views) assert.equal(exportSvg(layoutView(v)), exportSvg(layoutView(structuredClone(v))));
  });

  void it('places every element and boundary, and no two elements overlap', () => {
    for (const v of views) {
      const l = layoutView(v);
      assert.equal(l.elements.length, v.elements.length);
      for (const a of l.elements) {
        assert.ok(a.width > 0 && a.height > 0 && a.x >= 0 && a.y >= 0);
        for (const b of l.elements) {
          if (a === b) continue;
          const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
          assert.ok(apart, `${a.element.id} and ${b.element.id} overlap in ${v.key}`);
        }
      }
      for (const e of l.edges) {
        assert.ok(e.points.length >= 2, `${e.relationship.from}→${e.relationship.to} is routed`);
        for (let i = 1; i < e.points.length; i++) {
          const [a, b] = [e.points[i - 1], e.points[i]];
          assert.ok(
            Math.abs(a.x - b.x) < 0.5 || Math.abs(a.y - b.y) < 0.5,
            `${e.relationship.from}→${e.relationship.to}: segment ${i} is orthogonal`,
          );
        }
      }
    }
  });

  void it('draws nested boundaries inside each other, as a deployment view will need', () => {
    const el = (id: string, boundary: string): DiagramElement => ({
      id,
      kind: 'container',
      shape: 'box',
      name: id,
      technology: 'Docker',
      description: '',
      external: false,
      boundary,
    });
    const view: DiagramView = {
      key: 'nested',
      kind: 'container',
      title: 'Nested',
      elements: [el('api', 'node1'), el('worker', 'node2'), el('db', 'zone')],
      boundaries: [
        { id: 'region', kind: 'system', name: 'eu-west-1', external: false },
        { id: 'zone', kind: 'system', name: 'Zone A', external: false, parent: 'region' },
        { id: 'node1', kind: 'container', name: 'Node 1', external: false, parent: 'zone' },
        { id: 'node2', kind: 'container', name: 'Node 2', external: false, parent: 'zone' },
      ],
      relationships: [
        { from: 'api', to: 'db', label: 'Reads', technology: 'SQL' },
        { from: 'worker', to: 'db', label: 'Writes', technology: 'SQL' },
      ],
    };
    const l = layoutView(view);
    const box = (id: string) =>
      l.boundaries.find((b) => b.boundary.id === id) ?? l.elements.find((e) => e.element.id === id)!;
    const inside = (inner: string, outer: string): boolean => {
      const [a, b] = [box(inner), box(outer)];
      return a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;
    };
    for (const [inner, outer] of [
      ['zone', 'region'],
      ['node1', 'zone'],
      ['node2', 'zone'],
      ['api', 'node1'],
      ['worker', 'node2'],
      ['db', 'zone'],
    ]) {
      assert.ok(inside(inner, outer), `${inner} is drawn inside ${outer}`);
    }
    assert.equal(l.boundaries.find((b) => b.boundary.id === 'node1')?.depth, 2);
  });

  void it("a bundle's lines merge into one before its label: they reach it at one point, not side by side", () => {
    const service = (id: string): DiagramElement => ({
      id,
      kind: 'container',
      shape: 'box',
      name: `${id} service`,
      technology: 'Kotlin',
      description: '',
      external: false,
    });
    const names = ['order', 'payment', 'catalog', 'customer', 'inventory', 'shipping', 'search', 'notify'];
    const view: DiagramView = {
      key: 'container',
      kind: 'container',
      title: 'Hubs',
      elements: [...names.map(service), { ...service('db'), shape: 'database', name: 'Main Database' }],
      boundaries: [],
      relationships: names.map((from) => ({ from, to: 'db', label: 'Reads and writes', technology: 'SQL' })),
    };
    const l = layoutView(view);
    const labelled = l.edges.filter((e) => e.label);
    assert.equal(labelled.length, 1, 'the shared label is written once');
    const label = labelled[0].label!;
    const onBorder = (p: { x: number; y: number }): boolean =>
      p.x >= label.x - 0.5 &&
      p.x <= label.x + label.width + 0.5 &&
      p.y >= label.y - 0.5 &&
      p.y <= label.y + label.height + 0.5;
    // Where each line first touches the label: one point for all eight.
    const arrivals = new Set(
      l.edges.map((e) => {
        const p = e.points.find(onBorder);
        assert.ok(p, `${e.relationship.from}→db reaches the label`);
        return `${Math.round(p.x)},${Math.round(p.y)}`;
      }),
    );
    assert.equal(arrivals.size, 1, [...arrivals].join(' '));
  });

  void it('escapes model text: no markup from a label reaches the SVG', () => {
    const v = structuredClone(views[0]);
    v.elements[0].name = '<script>alert(1)</script> & "quotes"';
    v.elements[0].id = 'x" onclick="alert(1)';
    const svg = renderSvg(layoutView(v));
    assert.ok(!svg.includes('<script'), 'no script element');
    assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;'));
    assert.ok(!/onclick="/.test(svg), 'no attribute from an id');
  });

  void it('the legend lists what the view draws', () => {
    const container = views.find((v) => v.kind === 'container')!;
    const labels = legendItems(container).map((i) => i.label);
    assert.ok(labels.includes('Container'));
    assert.ok(labels.includes('Container (data store)'));
    assert.ok(labels.includes('Boundary'));
    assert.ok(labels.some((l) => l.startsWith('Relationship')));
  });

  void it('wraps text to the width and ends a cut with an ellipsis', () => {
    const lines = wrapText('one two three four five six seven eight nine ten', 80, { size: 13 }, 2);
    assert.equal(lines.length, 2);
    assert.ok(lines[1].endsWith('…'));
    for (const l of lines) assert.ok(textWidth(l, { size: 13 }) <= 80);
  });
});

/** WCAG contrast of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string): number => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
    const f = (v: number): number => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(bl);
  };
  const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m);
  return (x + 0.05) / (y + 0.05);
}

void describe('palettes', () => {
  void it('every text colour reaches 4.5:1 on what it is drawn on', () => {
    const palettes: [string, Palette][] = [
      ['light', LIGHT],
      ['dark', DARK],
      ['high contrast', HIGH_CONTRAST],
      ['high contrast light', HIGH_CONTRAST_LIGHT],
    ];
    for (const [name, p] of palettes) {
      assert.ok(contrast(p.text, p.background) >= 4.5, `${name}: text`);
      assert.ok(contrast(p.muted, p.background) >= 4.5, `${name}: muted text`);
      for (const kind of ['person', 'system', 'container', 'component', 'external'] as const) {
        assert.ok(
          contrast(p[kind].text, p[kind].fill) >= 4.5,
          `${name}: ${kind} ${contrast(p[kind].text, p[kind].fill)}`,
        );
      }
    }
  });
});

void describe('deployment view and proposed technology', () => {
  const view: DiagramView = {
    key: 'deployment',
    kind: 'deployment',
    title: 'Deployment View — Shop',
    elements: [
      {
        id: 'lb',
        kind: 'infrastructure',
        shape: 'box',
        name: 'Load balancer',
        technology: 'Load balancer: Managed LB',
        description: 'Terminates TLS',
        external: false,
        boundary: 'region',
        assumption: 'A-501',
      },
      {
        id: 'api__cluster',
        kind: 'container',
        shape: 'box',
        name: 'API',
        technology: 'Node.js',
        description: '2 × 1 vCPU',
        external: false,
        boundary: 'cluster',
      },
    ],
    boundaries: [
      { id: 'prod', kind: 'environment', name: 'Production', technology: 'Environment', external: false },
      {
        id: 'region',
        kind: 'node',
        name: 'Cloud region',
        technology: 'AWS eu-central-1',
        external: false,
        parent: 'prod',
        assumption: 'A-501',
      },
      { id: 'cluster', kind: 'node', name: 'Cluster', technology: 'ECS', external: false, parent: 'region' },
    ],
    relationships: [{ from: 'lb', to: 'api__cluster', label: 'Routes', technology: 'HTTPS' }],
  };

  void it('nodes nest, and the legend names deployment nodes, infrastructure, instances and proposals', () => {
    const layout = layoutView(view);
    const box = (id: string) => layout.boundaries.find((b) => b.boundary.id === id)!;
    const inside = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
      a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;
    assert.ok(inside(box('cluster'), box('region')), 'the cluster is drawn inside the region');
    assert.ok(inside(box('region'), box('prod')), 'the region is drawn inside the environment');
    // A long kind is stacked under the name and cut to the node's width; the tooltip has it whole.
    const [name, kind] = box('region').lines.map((l) => l.text);
    assert.equal(name, 'Cloud region');
    const whole = '[Deployment Node: AWS eu-central-1, proposed technology (A-501)]';
    assert.ok(kind === whole || (kind.endsWith('…') && whole.startsWith(kind.slice(0, -1))), kind);
    assert.equal(box('region').tooltip, `Cloud region ${whole}`);
    assert.deepEqual(
      box('prod').lines.map((l) => l.text),
      ['Production', '[Environment]'],
    );
    const lb = layout.elements.find((e) => e.element.id === 'lb')!;
    // The kind in words for people ("Load balancer"), not the schema's "infrastructure" or "loadBalancer".
    assert.ok(lb.lines.some((l) => l.text === '[Load balancer: Managed LB]'));
    assert.ok(lb.lines.some((l) => l.text === 'proposed technology (A-501)'));
    const api = layout.elements.find((e) => e.element.id === 'api__cluster')!;
    assert.ok(!api.lines.some((l) => l.text.includes('proposed')), 'only a proposal is marked');
    assert.deepEqual(
      legendItems(view).map((i) => i.label),
      [
        'Container instance',
        'Infrastructure',
        'Proposed technology (an assumption)',
        'Deployment node',
        'Relationship (uses →)',
      ],
    );
    const svg = renderSvg(layout, { legend: true });
    assert.match(svg, /class="af-element af-infrastructure af-proposed"/);
    assert.doesNotMatch(svg, /class="af-element af-container af-proposed"/);
    assert.match(svg, /class="af-boundary af-boundary-node"/);
    assert.match(svg, /class="af-boundary af-boundary-environment"/);
    assert.match(svg, /class="af-legend-item af-proposed"/);
  });

  void it("ELK applies a child graph's minimum size transposed top-down; the layout asks for it the other way round", () => {
    // What the layout works around (elkjs 0.12, hierarchyHandling INCLUDE_CHILDREN): if an upgrade
    // fixes it, this fails, and the swap in elkGraph must go.
    const graph = (minimum: string) => ({
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'DOWN',
        'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      },
      children: [
        {
          id: 'b',
          layoutOptions: { 'elk.nodeSize.constraints': 'MINIMUM_SIZE', 'elk.nodeSize.minimum': minimum },
          children: [
            { id: 'x', width: 100, height: 50 },
            { id: 'y', width: 100, height: 50 },
          ],
          edges: [{ id: 'e', sources: ['x'], targets: ['y'] }],
        },
      ],
    });
    const asked = elkLayout(graph('(400, 80)')).children![0];
    assert.ok(asked.width! < 400 && asked.height! >= 400, `(400, 80) gave ${asked.width} × ${asked.height}`);
    const swapped = elkLayout(graph('(80, 400)')).children![0];
    assert.ok(swapped.width! >= 400 && swapped.height! < 200, `(80, 400) gave ${swapped.width} × ${swapped.height}`);
  });

  void it('a deployment node is as tall as its contents need, and a label that fits its node goes on one line', () => {
    const instance = (id: string, boundary: string): DiagramElement => ({
      id,
      kind: 'container',
      shape: 'box',
      name: id,
      technology: 'Node.js',
      description: '',
      external: false,
      boundary,
    });
    const node = (id: string, technology: string) =>
      ({ id, kind: 'node', name: 'Container cluster', technology, external: false }) as const;
    // A chain in a narrow node with a long label: the label stacks, and the node is no taller for it.
    const chain = layoutView({
      key: 'deployment:chain',
      kind: 'deployment',
      title: 'Chain',
      elements: [instance('web', 'cluster'), instance('api', 'cluster'), instance('worker', 'cluster')],
      boundaries: [node('cluster', 'Managed Kubernetes with a long technology name')],
      relationships: [
        { from: 'web', to: 'api', label: 'Calls', technology: 'HTTPS' },
        { from: 'api', to: 'worker', label: 'Queues jobs', technology: 'AMQP' },
      ],
    });
    const narrow = chain.boundaries[0];
    const bottom = Math.max(...chain.elements.map((e) => e.y + e.height));
    assert.ok(
      narrow.y + narrow.height - bottom <= 20,
      `no empty room below the contents (${narrow.y + narrow.height - bottom} px)`,
    );
    // Six instances side by side under one caller (a wide viewport: top-down): the node is wide, so its long label takes one row.
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const fan = layoutView(
      {
        key: 'deployment:fan',
        kind: 'deployment',
        title: 'Fan',
        elements: [instance('gateway', 'edge'), ...ids.map((id) => instance(id, 'cluster'))],
        boundaries: [node('edge', 'Edge'), node('cluster', 'Managed Kubernetes, proposed technology')],
        relationships: ids.map((id) => ({ from: 'gateway', to: id, label: `Routes ${id}`, technology: 'HTTPS' })),
      },
      { width: 2400, height: 400 },
    );
    const wide = fan.boundaries.find((b) => b.boundary.id === 'cluster')!;
    assert.equal(wide.stacked, false, 'one row for the label of a wide node');
    assert.ok(wide.width >= LABEL_INSET + boundaryLabelWidth(wide.lines), 'the label fits its node');
    const top = Math.min(...fan.elements.filter((e) => e.element.boundary === 'cluster').map((e) => e.y));
    assert.ok(top - wide.y <= BOUNDARY_TOP + 4, 'the label takes one row above the contents');
  });

  void it("the generated container view fits whole: a hub's own labels stay narrow, a bundle's label takes one line", () => {
    const view = renderC4Views(largeModel()).find((v) => v.key === 'container')!;
    const layout = layoutView(view);
    const scale = Math.min(1230 / layout.width, 718 / layout.height);
    assert.ok(scale >= 11 / 13, `fits a 1280 px editor at 11 px text (${Math.round(scale * 100)} %)`);
    assert.equal(layout.direction, 'DOWN');
    const routes = layout.edges.filter((e) => e.relationship.from === 'gateway' && e.label);
    assert.ok(routes.length >= 8);
    for (const e of routes) assert.ok(e.label!.width <= 150 + 8, `${e.relationship.label}: ${e.label!.width} px`);
    const store = layout.edges.find((e) => e.relationship.to === 'mainDb' && e.label)!;
    assert.deepEqual(
      store.label!.lines.map((l) => l.text),
      ['Reads and writes [SQL]'],
    );
  });
});
