import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  componentView,
  componentViewIds,
  containerView,
  contextView,
  kebabId,
  mermaidId,
  mermaidText,
  renderC4Views,
  stripInitDirectives,
  viewFileName,
} from '../../src/core/c4/mermaid';
import { checkC4 } from '../../src/core/c4/consistency';
import type { C4Model } from '../../src/core/model';

function shop(): C4Model {
  return {
    people: [
      { id: 'customer', name: 'Customer', description: 'Buys products', external: true },
      { id: 'admin', name: 'Admin', description: 'Runs the shop', external: false },
    ],
    systems: [
      { id: 'shop', name: 'Web Shop', description: 'Sells products', external: false },
      { id: 'payments', name: 'Payment Provider', description: 'Card payments', external: true },
    ],
    containers: [
      { id: 'webApp', system: 'shop', name: 'Web App', technology: 'React', description: 'UI', kind: 'webapp' },
      {
        id: 'shopApi',
        system: 'shop',
        name: 'Shop API',
        technology: 'Node.js',
        description: 'Orders',
        kind: 'service',
      },
      { id: 'shopDb', system: 'shop', name: 'Shop DB', technology: 'PostgreSQL', description: '', kind: 'database' },
      { id: 'cache', system: 'shop', name: 'Cache', technology: 'Redis', description: '', kind: 'cache' },
      { id: 'events', system: 'shop', name: 'Events', technology: 'Kafka', description: '', kind: 'queue' },
    ],
    components: [
      { id: 'orderHandler', container: 'shopApi', name: 'Order Handler', technology: 'TS', description: 'Orders' },
      { id: 'payClient', container: 'shopApi', name: 'Payment Client', technology: 'TS', description: '' },
      { id: 'cartView', container: 'webApp', name: 'Cart View', technology: 'React', description: '' },
    ],
    relationships: [
      { from: 'customer', to: 'shop', label: 'Places orders', technology: 'HTTPS' },
      { from: 'admin', to: 'shop', label: 'Manages' },
      { from: 'shop', to: 'payments', label: 'Charges cards' },
      { from: 'customer', to: 'webApp', label: 'Browses', technology: 'HTTPS' },
      { from: 'admin', to: 'webApp', label: 'Manages catalogue' },
      { from: 'cartView', to: 'orderHandler', label: 'Submits orders', technology: 'JSON/HTTPS' },
      { from: 'webApp', to: 'shopApi', label: 'Calls API', technology: 'JSON/HTTPS' },
      { from: 'orderHandler', to: 'shopDb', label: 'Stores orders', technology: 'SQL' },
      { from: 'orderHandler', to: 'cache', label: 'Caches carts' },
      { from: 'orderHandler', to: 'events', label: 'Publishes OrderPlaced' },
      { from: 'orderHandler', to: 'payClient', label: 'Charges through' },
      { from: 'payClient', to: 'payments', label: 'Authorizes payment', technology: 'HTTPS' },
      { from: 'orderHandler', to: 'orderHandler', label: 'Retries' },
    ],
  };
}

/** Every line is a header, a title, an element or Rel macro call, or a boundary's braces. */
function assertWellFormed(text: string): void {
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0], /^C4(Context|Container|Component)$/);
  assert.match(lines[1], /^ {2}title [^#;\n]+$/);
  for (const line of lines.slice(2)) {
    assert.match(
      line,
      /^ {2}( {2})?(\}|[A-Za-z_]+\([A-Za-z][A-Za-z0-9_]*, ("[^"\n]*"|[A-Za-z][A-Za-z0-9_]*)(, "[^"\n]*")*\)( \{)?)$/,
      `malformed line: ${line}`,
    );
    assert.ok(!line.includes('%%'), `no %% in ${line}`);
  }
}

void describe('contextView', () => {
  void it('draws people and systems with relationships lifted to systems', () => {
    const text = contextView(shop());
    assert.equal(
      text,
      [
        'C4Context',
        '  title System Context — Web Shop',
        '  Person_Ext(customer, "Customer", "Buys products")',
        '  Person(admin, "Admin", "Runs the shop")',
        '  System(shop, "Web Shop", "Sells products")',
        '  System_Ext(payments, "Payment Provider", "Card payments")',
        '  Rel(customer, shop, "Places orders", "HTTPS")',
        '  Rel(admin, shop, "Manages")',
        '  Rel(shop, payments, "Charges cards")',
        '',
      ].join('\n'),
    );
    assertWellFormed(text);
  });

  void it('lifts lower-level relationships when level 1 does not declare them', () => {
    const m = shop();
    m.relationships = m.relationships.filter((r) => !(r.from === 'shop' && r.to === 'payments'));
    assert.match(contextView(m), /^ {2}Rel\(shop, payments, "Authorizes payment", "HTTPS"\)$/m);
    // customer → shop appears once although customer → webApp lifts onto it too; level 1's label wins.
    assert.equal(contextView(m).match(/Rel\(customer, shop/g)?.length, 1);
    assert.match(contextView(m), /Rel\(customer, shop, "Places orders", "HTTPS"\)/);
  });
});

void describe('containerView', () => {
  void it('draws a System_Boundary with container macros by kind', () => {
    const text = containerView(shop());
    const lines = text.split('\n');
    assert.equal(lines[1], '  title Container View — Web Shop');
    assert.ok(lines.includes('  Person_Ext(customer, "Customer", "Buys products")'));
    assert.ok(lines.includes('  System_Ext(payments, "Payment Provider", "Card payments")'));
    assert.ok(!lines.some((l) => l.includes('System(shop')), 'the system in scope is a boundary, not a box');
    const open = lines.indexOf('  System_Boundary(shop, "Web Shop") {');
    assert.ok(open > 0);
    assert.deepEqual(lines.slice(open + 1, open + 7), [
      '    Container(webApp, "Web App", "React", "UI")',
      '    Container(shopApi, "Shop API", "Node.js", "Orders")',
      '    ContainerDb(shopDb, "Shop DB", "PostgreSQL")',
      '    ContainerDb(cache, "Cache", "Redis")',
      '    ContainerQueue(events, "Events", "Kafka")',
      '  }',
    ]);
    assertWellFormed(text);
  });

  void it('lifts component relationships to containers, dedupes them and drops ones ending at a boundary', () => {
    const rels = containerView(shop())
      .split('\n')
      .filter((l) => l.includes('Rel('));
    assert.deepEqual(rels, [
      '  Rel(customer, webApp, "Browses", "HTTPS")',
      '  Rel(admin, webApp, "Manages catalogue")',
      // cartView → orderHandler lifts to webApp → shopApi; the declared container-level label wins.
      '  Rel(webApp, shopApi, "Calls API", "JSON/HTTPS")',
      '  Rel(shopApi, shopDb, "Stores orders", "SQL")',
      '  Rel(shopApi, cache, "Caches carts")',
      '  Rel(shopApi, events, "Publishes OrderPlaced")',
      '  Rel(shopApi, payments, "Authorizes payment", "HTTPS")',
    ]);
  });

  void it('draws a container of an unknown system outside any boundary instead of failing', () => {
    const m = shop();
    m.containers.push({ id: 'stray', system: 'nope', name: 'Stray', technology: '', description: '', kind: 'other' });
    const text = containerView(m);
    assert.match(text, /^ {2}Container\(stray, "Stray"\)$/m);
    assertWellFormed(text);
  });
});

void describe('componentView', () => {
  void it('draws a Container_Boundary with the components and their neighbours', () => {
    const text = componentView(shop(), 'shopApi');
    const lines = text.split('\n');
    assert.equal(lines[1], '  title Component View — Shop API');
    assert.deepEqual(lines.slice(2), [
      '  System_Ext(payments, "Payment Provider", "Card payments")',
      '  Container(webApp, "Web App", "React", "UI")',
      '  ContainerDb(shopDb, "Shop DB", "PostgreSQL")',
      '  ContainerDb(cache, "Cache", "Redis")',
      '  ContainerQueue(events, "Events", "Kafka")',
      '  Container_Boundary(shopApi, "Shop API") {',
      '    Component(orderHandler, "Order Handler", "TS", "Orders")',
      '    Component(payClient, "Payment Client", "TS")',
      '  }',
      // cartView (a component of webApp) is lifted to webApp; the self-loop is dropped.
      '  Rel(webApp, orderHandler, "Submits orders", "JSON/HTTPS")',
      '  Rel(orderHandler, shopDb, "Stores orders", "SQL")',
      '  Rel(orderHandler, cache, "Caches carts")',
      '  Rel(orderHandler, events, "Publishes OrderPlaced")',
      '  Rel(orderHandler, payClient, "Charges through")',
      '  Rel(payClient, payments, "Authorizes payment", "HTTPS")',
      '',
    ]);
    assertWellFormed(text);
  });

  void it('lists the containers that have components, in model order', () => {
    assert.deepEqual(componentViewIds(shop()), ['webApp', 'shopApi']);
  });
});

void describe('escaping of untrusted labels', () => {
  const hostile = (): C4Model => {
    const m = shop();
    m.people[0].name = '"); alert(1); //';
    m.people[0].description = '%%{init: {"securityLevel":"loose"}}%%\nline two';
    m.systems[0].name = 'Shop # 1; <b>bold</b> `code`';
    m.containers[0].description = 'x'.repeat(1000);
    m.relationships[0].label = 'Calls }%% {{ "evil" -> #quot; &lt;';
    return m;
  };

  void it('keeps every label inside its quotes and on its line', () => {
    for (const text of [contextView(hostile()), containerView(hostile()), componentView(hostile(), 'shopApi')]) {
      assertWellFormed(text);
      assert.ok(!text.includes('%%'));
      assert.ok(
        !/[<>{}`;]/.test(text.replace(/ \{$/gm, '').replace(/^ {2}\}$/gm, '')),
        'no markup, directive or statement characters',
      );
    }
  });

  void it('rewrites the characters Mermaid would misread', () => {
    const text = contextView(hostile());
    assert.match(
      text,
      /^ {2}Person_Ext\(customer, "'\)\, alert\(1\), \/\/", "%\(init: \('securityLevel':'loose'\)\)% line two"\)$/m,
    );
    assert.match(text, /^ {2}title System Context — Shop 1, ‹b›bold‹\/b› 'code'$/m);
    assert.match(text, /^ {2}Rel\(customer, shop, "Calls \)% \(\( 'evil' → #quot, &lt,", "HTTPS"\)$/m);
  });

  void it('caps long text', () => {
    const line = containerView(hostile())
      .split('\n')
      .find((l) => l.includes('Container(webApp'));
    assert.ok(line !== undefined && line.length < 400);
    assert.ok(line.includes('…'));
  });

  void it('mermaidText and mermaidId are safe on their own', () => {
    assert.equal(mermaidText('a\r\nb\u2028c\td'), 'a b c d');
    assert.equal(mermaidText('p95 <= 200 ms; a <-> b'), 'p95 ≤ 200 ms, a ↔ b');
    assert.equal(mermaidText('abcdef', 4), 'abc…');
    assert.equal(mermaidId('bad id"); x'), 'bad_id____x');
    assert.equal(mermaidId('9lives'), 'x9lives');
  });
});

void describe('files and views', () => {
  void it('names component view files in kebab case', () => {
    assert.equal(viewFileName('orderService'), 'c4-component-order-service.mmd');
    assert.equal(viewFileName('shopAPI'), 'c4-component-shop-api.mmd');
    assert.equal(viewFileName('APIGateway'), 'c4-component-api-gateway.mmd');
    assert.equal(viewFileName('order_db2'), 'c4-component-order-db2.mmd');
    assert.equal(kebabId('../..'), 'container');
  });

  void it('renders every view with its layout path and keeps colliding file names apart', () => {
    const m = shop();
    m.containers.push({
      id: 'web_app',
      system: 'shop',
      name: 'Web 2',
      technology: '',
      description: '',
      kind: 'webapp',
    });
    m.components.push({ id: 'w2', container: 'web_app', name: 'W2', technology: '', description: '' });
    const views = renderC4Views(m);
    assert.deepEqual(
      views.map((v) => [v.level, v.file, v.containerId]),
      [
        [1, 'diagrams/c4-context.mmd', undefined],
        [2, 'diagrams/c4-container.mmd', undefined],
        [3, 'diagrams/c4-component-web-app.mmd', 'webApp'],
        [3, 'diagrams/c4-component-shop-api.mmd', 'shopApi'],
        [3, 'diagrams/c4-component-web-app-2.mmd', 'web_app'],
      ],
    );
    assert.equal(views[3].title, 'Component View — Shop API');
    for (const v of views) assertWellFormed(v.text);
  });

  void it('generates the views of a model with 100+ elements', () => {
    const m: C4Model = {
      people: [{ id: 'user', name: 'User', description: '', external: true }],
      systems: [
        { id: 'core', name: 'Core', description: '', external: false },
        { id: 'ext', name: 'Ext', description: '', external: true },
      ],
      containers: [],
      components: [],
      relationships: [{ from: 'user', to: 'core', label: 'Uses' }],
    };
    for (let c = 0; c < 20; c++) {
      m.containers.push({
        id: `svc${c}`,
        system: 'core',
        name: `Service ${c}`,
        technology: 'Go',
        description: '',
        kind: c % 5 === 0 ? 'database' : 'service',
      });
      m.relationships.push({ from: 'user', to: `svc${c}`, label: 'Calls' });
      for (let k = 0; k < 5; k++) {
        m.components.push({
          id: `svc${c}c${k}`,
          container: `svc${c}`,
          name: `Comp ${k}`,
          technology: '',
          description: '',
        });
        m.relationships.push({ from: `svc${c}c${k}`, to: `svc${(c + 1) % 20}c${k}`, label: `Step ${k}` });
        m.relationships.push({ from: `svc${c}c${k}`, to: 'ext', label: 'Notifies' });
      }
    }
    assert.ok(m.containers.length + m.components.length > 100);
    assert.deepEqual(checkC4(m), []);
    const views = renderC4Views(m);
    assert.equal(views.length, 22);
    for (const v of views) assertWellFormed(v.text);
    // 100 component relationships between containers collapse to one per pair in the container view.
    assert.equal(views[1].text.match(/Rel\(svc\d+, svc\d+,/g)?.length, 20);
    assert.equal(views[0].text.match(/Rel\(/g)?.length, 2);
  });
});

void describe('stripInitDirectives', () => {
  void it('removes init directives, multi-line and unterminated ones', () => {
    assert.equal(
      stripInitDirectives('%%{init: {"securityLevel":"loose"}}%%\nflowchart LR\n  a-->b'),
      '\nflowchart LR\n  a-->b',
    );
    assert.equal(
      stripInitDirectives('flowchart LR\n%%{init:\n {"theme": "dark"}\n}%%\na-->b'),
      'flowchart LR\n\na-->b',
    );
    assert.equal(stripInitDirectives('flowchart LR\n%%{init: {"x": 1}\na-->b'), 'flowchart LR\n\na-->b');
    // Removing the first directive leaves "%{init…" behind, which is no directive (it needs "%%{").
    assert.equal(stripInitDirectives('%%%{x}%%{init: {}}%%\ngraph TD'), '%{init: {}}%%\ngraph TD');
    assert.ok(!stripInitDirectives('%%%{x}%%{init: {}}%%\ngraph TD').includes('%%{'));
  });

  void it('keeps comments and ordinary text', () => {
    const text = 'sequenceDiagram\n  %% a comment\n  A->>B: 50% done';
    assert.equal(stripInitDirectives(text), text);
  });

  void it('removes a front matter block that sets config, keeps one that does not', () => {
    assert.equal(stripInitDirectives('---\nconfig:\n  securityLevel: loose\n---\nflowchart LR\n'), 'flowchart LR\n');
    const titled = '---\ntitle: Orders\n---\nflowchart LR\n';
    assert.equal(stripInitDirectives(titled), titled);
  });
});
