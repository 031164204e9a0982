import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dedupeRelationships, mergeLevel1, mergeLevel23 } from '../../src/core/c4/merge';
import { EMPTY_C4, type C4Model } from '../../src/core/model';

const LEVEL1: C4Model = {
  people: [{ id: 'customer', name: 'Customer', description: 'Buys', external: true }],
  systems: [
    { id: 'shop', name: 'Web Shop', description: 'Sells', external: false },
    { id: 'payments', name: 'Payments', description: 'Cards', external: true },
  ],
  containers: [],
  components: [],
  relationships: [
    { from: 'customer', to: 'shop', label: 'Places orders' },
    { from: 'shop', to: 'payments', label: 'Charges cards' },
  ],
};

void describe('mergeLevel1', () => {
  void it('takes step 2 as the whole of level 1 and drops the previous model', () => {
    const previous: C4Model = {
      ...LEVEL1,
      people: [{ id: 'old', name: 'Old', description: '', external: true }],
      containers: [{ id: 'api', system: 'shop', name: 'API', technology: '', description: '', kind: 'service' }],
    };
    const model = mergeLevel1(previous, {
      people: LEVEL1.people,
      systems: LEVEL1.systems,
      relationships: LEVEL1.relationships,
    });
    assert.deepEqual(model, LEVEL1);
    assert.notEqual(model.people, LEVEL1.people, 'arrays are copies');
  });

  void it('gives empty arrays for what step 2 left out', () => {
    assert.deepEqual(mergeLevel1(EMPTY_C4, {}), EMPTY_C4);
  });
});

void describe('mergeLevel23', () => {
  void it('adds containers, components and relationships to level 1', () => {
    const { model, errors } = mergeLevel23(LEVEL1, {
      containers: [{ id: 'api', system: 'shop', name: 'API', technology: 'Node', description: '', kind: 'service' }],
      components: [{ id: 'orders', container: 'api', name: 'Orders', technology: 'TS', description: '' }],
      relationships: [{ from: 'customer', to: 'api', label: 'Calls' }],
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      model.containers.map((c) => c.id),
      ['api'],
    );
    assert.deepEqual(
      model.components.map((c) => c.id),
      ['orders'],
    );
    assert.equal(model.relationships.length, 3);
    assert.deepEqual(model.people, LEVEL1.people);
  });

  void it('keeps step 2 people and systems when step 3 repeats or renames them', () => {
    const { model, errors } = mergeLevel23(LEVEL1, {
      people: [{ id: 'customer', name: 'Shopper', description: '', external: true }],
      systems: [{ id: 'shop', name: 'Renamed', description: '', external: false }],
      relationships: [{ from: 'customer', to: 'shop', label: 'places  ORDERS' }],
    });
    assert.deepEqual(errors, []);
    assert.equal(model.people[0].name, 'Customer');
    assert.equal(model.systems[0].name, 'Web Shop');
    assert.equal(model.relationships.length, 2, 'a repeated relationship is not added twice');
  });

  void it('accepts a new external system and rejects a new system in scope', () => {
    const { model, errors } = mergeLevel23(LEVEL1, {
      systems: [
        { id: 'sms', name: 'SMS Gateway', description: '', external: true },
        { id: 'backoffice', name: 'Back Office', description: '', external: false },
      ],
    });
    assert.deepEqual(
      model.systems.map((s) => s.id),
      ['shop', 'payments', 'sms'],
    );
    assert.deepEqual(errors, [
      'software system "backoffice" is new in step 3, but the systems in scope come from step 2; put its containers in an existing system or mark it "external": true.',
    ]);
  });

  void it('rejects an id that redefines an element of another kind, and an id defined twice', () => {
    const { model, errors } = mergeLevel23(LEVEL1, {
      containers: [
        { id: 'shop', system: 'shop', name: 'Shop', technology: '', description: '', kind: 'service' },
        { id: 'api', system: 'shop', name: 'API', technology: '', description: '', kind: 'service' },
        { id: 'api', system: 'shop', name: 'API 2', technology: '', description: '', kind: 'service' },
      ],
      components: [{ id: 'api', container: 'api', name: 'X', technology: '', description: '' }],
    });
    assert.deepEqual(errors, [
      'container "shop": the id "shop" is already a software system in the level-1 model; give the container a new id.',
      'container "api" is defined twice; every id must be unique.',
      'component "api" is defined twice; every id must be unique.',
    ]);
    assert.deepEqual(
      model.containers.map((c) => c.name),
      ['API'],
    );
    assert.deepEqual(model.components, []);
  });

  void it('replaces a container step 2 already had instead of duplicating it (re-run safety)', () => {
    const withApi: C4Model = {
      ...LEVEL1,
      containers: [{ id: 'api', system: 'shop', name: 'API', technology: 'Node', description: '', kind: 'service' }],
    };
    const { model, errors } = mergeLevel23(withApi, {
      containers: [{ id: 'api', system: 'shop', name: 'API v2', technology: 'Go', description: '', kind: 'service' }],
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      model.containers.map((c) => c.name),
      ['API v2'],
    );
  });
});

void describe('dedupeRelationships', () => {
  void it('keeps the first of relationships with the same ends and label, and different directions', () => {
    const rels = dedupeRelationships([
      { from: 'a', to: 'b', label: 'Calls', technology: 'HTTPS' },
      { from: 'a', to: 'b', label: ' calls ' },
      { from: 'b', to: 'a', label: 'Calls' },
      { from: 'a', to: 'b', label: 'Notifies' },
    ]);
    assert.deepEqual(rels, [
      { from: 'a', to: 'b', label: 'Calls', technology: 'HTTPS' },
      { from: 'b', to: 'a', label: 'Calls' },
      { from: 'a', to: 'b', label: 'Notifies' },
    ]);
  });
});
