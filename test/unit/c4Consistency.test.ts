import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkC4 } from '../../src/core/c4/consistency';
import type { C4Model } from '../../src/core/model';

function clean(): C4Model {
  return {
    people: [{ id: 'customer', name: 'Customer', description: '', external: true }],
    systems: [
      { id: 'shop', name: 'Web Shop', description: '', external: false },
      { id: 'payments', name: 'Payments', description: '', external: true },
    ],
    containers: [
      { id: 'api', system: 'shop', name: 'API', technology: 'Node', description: '', kind: 'service' },
      { id: 'db', system: 'shop', name: 'DB', technology: 'PostgreSQL', description: '', kind: 'database' },
    ],
    components: [{ id: 'orders', container: 'api', name: 'Orders', technology: 'TS', description: '' }],
    relationships: [
      { from: 'customer', to: 'api', label: 'Places orders' },
      { from: 'orders', to: 'db', label: 'Stores orders' },
      { from: 'orders', to: 'payments', label: 'Charges cards' },
    ],
  };
}

void describe('checkC4', () => {
  void it('passes a consistent model', () => {
    assert.deepEqual(checkC4(clean()), []);
  });

  void it('container-system: unknown and external systems', () => {
    const m = clean();
    m.containers.push({ id: 'lost', system: 'nowhere', name: 'Lost', technology: '', description: '', kind: 'other' });
    m.containers.push({ id: 'psp', system: 'payments', name: 'PSP', technology: '', description: '', kind: 'other' });
    assert.deepEqual(checkC4(m), [
      {
        rule: 'container-system',
        level: 2,
        element: 'lost',
        message: 'container "lost" belongs to "nowhere", which is not a software system of level 1.',
      },
      {
        rule: 'container-system',
        level: 2,
        element: 'psp',
        message:
          'container "psp" belongs to external system "payments"; only systems in scope are broken into containers.',
      },
    ]);
  });

  void it('component-container: unknown container', () => {
    const m = clean();
    m.components.push({ id: 'ghost', container: 'web', name: 'Ghost', technology: '', description: '' });
    assert.deepEqual(checkC4(m), [
      {
        rule: 'component-container',
        level: 3,
        element: 'ghost',
        message: 'component "ghost" belongs to "web", which is not a container of level 2.',
      },
    ]);
  });

  void it('relationship-ends: unknown ends', () => {
    const m = clean();
    m.relationships.push({ from: 'orders', to: 'cache', label: 'Caches' });
    m.relationships.push({ from: 'x', to: 'y', label: 'Talks' });
    assert.deepEqual(checkC4(m), [
      {
        rule: 'relationship-ends',
        level: 3,
        element: 'orders->cache',
        message: 'relationship "orders" → "cache" ("Caches"): "cache" is not an element of the model.',
      },
      {
        rule: 'relationship-ends',
        level: 1,
        element: 'x->y',
        message: 'relationship "x" → "y" ("Talks"): "x" and "y" are not elements of the model.',
      },
    ]);
  });

  void it('unused-external: a person and an external system nobody uses', () => {
    const m = clean();
    m.people.push({ id: 'auditor', name: 'Auditor', description: '', external: true });
    m.systems.push({ id: 'crm', name: 'CRM', description: '', external: true });
    m.relationships.push({ from: 'crm', to: 'crm', label: 'Self-loop does not count' });
    assert.deepEqual(
      checkC4(m).map((i) => [i.rule, i.level, i.element, i.message]),
      [
        ['unused-external', 1, 'auditor', 'person "auditor" is not used by any relationship; connect it or remove it.'],
        [
          'unused-external',
          1,
          'crm',
          'external system "crm" is not used by any relationship; connect it or remove it.',
        ],
      ],
    );
  });

  void it('duplicate-id: the same id on two elements', () => {
    const m = clean();
    m.components.push({ id: 'db', container: 'api', name: 'DB access', technology: '', description: '' });
    assert.deepEqual(checkC4(m), [
      {
        rule: 'duplicate-id',
        level: 3,
        element: 'db',
        message: 'id "db" is used by 2 elements (a container, a component); every id must be unique.',
      },
    ]);
  });

  void it('missing-level: no system in scope, no containers, no components', () => {
    const m: C4Model = {
      people: [{ id: 'customer', name: 'Customer', description: '', external: true }],
      systems: [{ id: 'payments', name: 'Payments', description: '', external: true }],
      containers: [],
      components: [],
      relationships: [{ from: 'customer', to: 'payments', label: 'Pays' }],
    };
    assert.deepEqual(
      checkC4(m).map((i) => [i.rule, i.level, i.element]),
      [
        ['missing-level', 1, 'c4-context'],
        ['missing-level', 2, 'c4-container'],
        ['missing-level', 3, 'c4-component'],
      ],
    );
    assert.match(checkC4(m)[0].message, /"external": false/);
  });

  void it('upToLevel: 1 checks only level 1 (after step 2)', () => {
    const m = clean();
    m.containers = [];
    m.components = [];
    m.relationships = [
      { from: 'customer', to: 'shop', label: 'Buys' },
      { from: 'shop', to: 'payments', label: 'Charges' },
    ];
    assert.deepEqual(checkC4(m, { upToLevel: 1 }), []);
    assert.equal(checkC4(m).length, 2);
  });
});
