import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseC4Json, normalizeContainerKind } from '../../src/core/c4/parse';

const GOOD = {
  people: [{ id: 'customer', name: 'Customer', description: 'Buys products online', external: true }],
  systems: [
    { id: 'shop', name: 'Web Shop', description: 'Sells products', external: false },
    { id: 'payments', name: 'Payment Provider', description: 'Card payments', external: true },
  ],
  containers: [
    {
      id: 'shopApi',
      system: 'shop',
      name: 'Shop API',
      technology: 'Node.js, Fastify',
      description: 'Orders and catalogue',
      kind: 'service',
    },
    {
      id: 'shopDb',
      system: 'shop',
      name: 'Shop DB',
      technology: 'PostgreSQL 16',
      description: 'Orders',
      kind: 'database',
    },
  ],
  components: [
    {
      id: 'orderHandler',
      container: 'shopApi',
      name: 'Order Handler',
      technology: 'TypeScript module',
      description: 'Validates and places orders',
    },
  ],
  relationships: [
    { from: 'customer', to: 'shop', label: 'Places orders', technology: 'HTTPS' },
    { from: 'orderHandler', to: 'shopDb', label: 'Reads and writes orders', technology: 'SQL/TLS' },
  ],
};

void describe('parseC4Json', () => {
  void it('accepts the documented example unchanged', () => {
    const { model, errors } = parseC4Json(JSON.stringify(GOOD));
    assert.deepEqual(errors, []);
    assert.deepEqual(model, GOOD);
  });

  void it('accepts a step-2 block without containers and components', () => {
    const { model, errors } = parseC4Json(
      JSON.stringify({ people: GOOD.people, systems: GOOD.systems, relationships: [GOOD.relationships[0]] }),
    );
    assert.deepEqual(errors, []);
    assert.equal(model.containers, undefined);
    assert.equal(model.components, undefined);
    assert.equal(model.people?.length, 1);
  });

  void it('tolerates a code fence, missing descriptions and an omitted person "external"', () => {
    const text = '```json\n{"people": [{"id": "admin", "name": "Admin"}]}\n```';
    const { model, errors } = parseC4Json(text);
    assert.deepEqual(errors, []);
    assert.deepEqual(model.people, [{ id: 'admin', name: 'Admin', description: '', external: false }]);
  });

  void it('reports invalid JSON with the offending line', () => {
    const { model, errors } = parseC4Json('{\n  "people": [],\n  "systems": [,]\n}');
    assert.deepEqual(model, {});
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^The archflow-c4 block is not valid JSON/);
    assert.match(errors[0], /at line 3: `"systems": \[,\]`/);
  });

  void it('reports an empty block and a non-object', () => {
    assert.match(parseC4Json('  ').errors[0], /is empty/);
    assert.match(parseC4Json('[1, 2]').errors[0], /must contain one JSON object/);
  });

  void it('names the element and field in each error and leaves invalid elements out', () => {
    const bad = {
      people: [{ id: 'customer', description: 'x' }, 'bob'],
      systems: [
        { id: 'shop', name: 'Shop' },
        { id: 'order-db', name: 'Orders', external: false },
        { id: 'ok', name: 'OK', external: 'yes' },
      ],
      containers: [
        { id: 'orderDb', name: 'Orders', kind: 'database' },
        { id: 'cache', system: 'shop', name: 'Cache', kind: 'Redis-ish' },
        { id: 'api', system: 'shop', name: 42 },
      ],
      components: [{ container: 'api', name: 'Handler' }],
      relationships: [{ from: 'customer', to: 'shop' }, { from: 'customer' }],
    };
    const { model, errors } = parseC4Json(JSON.stringify(bad));
    assert.deepEqual(errors, [
      'person "customer": "name" is missing.',
      'person #2 must be a JSON object, not "bob".',
      'system "shop": "external" is missing (true or false).',
      'system #2: id "order-db" is not valid; use letters, digits and underscores, starting with a letter (e.g. "orderDb").',
      'system "ok": "external" must be true or false, not "yes".',
      'container "orderDb": "system" is missing.',
      'container "cache": "kind" "Redis-ish" is not one of webapp, mobile, service, database, queue, cache, storage, function, other.',
      'container "api": "name" must be a string, not 42.',
      'component #1: "id" is missing.',
      'relationship #1 ("customer" → "shop"): "label" is missing.',
      'relationship #2: "to" is missing.',
      'relationship #2: "label" is missing.',
    ]);
    assert.deepEqual(model.people, []);
    assert.deepEqual(model.systems, []);
    assert.deepEqual(model.containers, []);
    assert.deepEqual(model.components, []);
    assert.deepEqual(model.relationships, []);
  });

  void it('reports a section that is not an array', () => {
    const { errors } = parseC4Json('{"containers": {"id": "x"}}');
    assert.deepEqual(errors, ['"containers" must be an array of objects, not {"id":"x"}.']);
  });

  void it('reports an empty name', () => {
    const { errors } = parseC4Json('{"people": [{"id": "a", "name": "  "}]}');
    assert.deepEqual(errors, ['person "a": "name" is empty.']);
  });

  void it('caps a flood of errors', () => {
    const people = Array.from({ length: 100 }, () => ({ name: 'x' }));
    const { errors } = parseC4Json(JSON.stringify({ people }));
    assert.equal(errors.length, 41);
    assert.equal(errors[40], '… and 60 more errors');
  });

  void it('normalizes container kinds: case, separators and common synonyms; rejects garbage', () => {
    assert.equal(normalizeContainerKind('Database'), 'database');
    assert.equal(normalizeContainerKind('web app'), 'webapp');
    assert.equal(normalizeContainerKind('Web-App'), 'webapp');
    assert.equal(normalizeContainerKind('DB'), 'database');
    assert.equal(normalizeContainerKind('message_queue'), 'queue');
    assert.equal(normalizeContainerKind('Lambda'), 'function');
    assert.equal(normalizeContainerKind('banana'), undefined);
    const { model, errors } = parseC4Json(
      JSON.stringify({ containers: [{ id: 'q', system: 's', name: 'Q', kind: 'Message Queue' }] }),
    );
    assert.deepEqual(errors, []);
    assert.equal(model.containers?.[0].kind, 'queue');
  });

  void it('defaults a missing container kind to "other"', () => {
    const { model, errors } = parseC4Json(JSON.stringify({ containers: [{ id: 'x', system: 's', name: 'X' }] }));
    assert.deepEqual(errors, []);
    assert.equal(model.containers?.[0].kind, 'other');
  });
});
