import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAdrStatus, parseAdrJson } from '../../src/core/adr/parse';

function adr(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key: 'architecture-style',
    title: 'Use a modular monolith with an event outbox',
    status: 'accepted',
    context: 'NFR-1 needs p95 < 200 ms and the team has four engineers.',
    decision: 'We will build one deployable with modules.',
    consequences: { positive: ['One deployable'], negative: ['Modules share one database'] },
    alternatives: [{ option: 'Microservices', rejectedBecause: 'Operational cost exceeds NFR-7' }],
    requirements: ['NFR-1', 'FR-3'],
    elements: ['shopApi'],
    supersedes: null,
    ...overrides,
  };
}

const parse = (...adrs: Record<string, unknown>[]) => parseAdrJson(JSON.stringify({ adrs }));

void describe('parseAdrJson', () => {
  void it('accepts the documented example', () => {
    const { adrs, errors } = parse(adr());
    assert.deepEqual(errors, []);
    assert.deepEqual(adrs, [
      {
        key: 'architecture-style',
        title: 'Use a modular monolith with an event outbox',
        status: 'accepted',
        context: 'NFR-1 needs p95 < 200 ms and the team has four engineers.',
        decision: 'We will build one deployable with modules.',
        consequences: { positive: ['One deployable'], negative: ['Modules share one database'] },
        alternatives: [{ option: 'Microservices', rejectedBecause: 'Operational cost exceeds NFR-7' }],
        requirements: ['NFR-1', 'FR-3'],
        elements: ['shopApi'],
        supersedes: null,
        supersededBy: null,
      },
    ]);
  });

  void it('tolerates case and spacing in keys, statuses and requirement ids; elements may be left out', () => {
    const { adrs, errors } = parse(
      adr({ key: 'Architecture Style', status: 'Accepted', requirements: ['nfr-1', 'NFR-1'], elements: undefined }),
    );
    assert.deepEqual(errors, []);
    assert.equal(adrs[0].key, 'architecture-style');
    assert.equal(adrs[0].status, 'accepted');
    assert.deepEqual(adrs[0].requirements, ['NFR-1']);
    assert.deepEqual(adrs[0].elements, []);
  });

  void it('names the ADR and the field in each error and leaves invalid ADRs out', () => {
    const { adrs, errors } = parse(
      adr({ key: 'a', title: '', status: 'approved' }),
      adr({ key: 'b', context: undefined, decision: 7 }),
      adr({ key: 'c', consequences: { positive: [], negative: ['x'] } }),
      adr({ key: 'd', consequences: 'none' }),
      adr({ key: 'e', alternatives: [] }),
      adr({ key: 'f', alternatives: [{ option: 'Kafka' }] }),
      adr({ key: 'g', requirements: [] }),
      adr({ key: 'h', requirements: ['performance', 'NFR-2'] }),
      adr({ key: 'i', elements: ['shop api'] }),
      adr({ key: 'j', supersedes: 'j' }),
      adr({ key: 'bad key!' }),
      adr({ key: undefined }),
    );
    assert.deepEqual(adrs, []);
    assert.deepEqual(errors, [
      'ADR "a": "title" is empty.',
      'ADR "a": "status" "approved" is not one of proposed, accepted, deprecated, superseded.',
      'ADR "b": "context" is missing.',
      'ADR "b": "decision" must be a string, not 7.',
      'ADR "c": "consequences.positive" needs at least one entry.',
      'ADR "d": "consequences" must be an object {"positive": [...], "negative": [...]}.',
      'ADR "e": "alternatives" needs at least one alternative considered.',
      'ADR "f": "alternatives[1].rejectedBecause" is missing; say why the option was rejected.',
      'ADR "g": "requirements" needs at least one entry.',
      'ADR "h": "requirements" has "PERFORMANCE"; use requirement ids such as FR-3 or NFR-1.',
      'ADR "i": "elements" has "shop api", which is not a C4 element id.',
      'ADR "j": a decision cannot supersede itself.',
      'ADR #11: "key" "bad key!" is not a decision key; use lowercase letters, digits and hyphens, at most 64 characters (e.g. "architecture-style").',
      'ADR #12: "key" is missing.',
    ]);
  });

  void it('rejects duplicate keys and keeps the first', () => {
    const { adrs, errors } = parse(adr(), adr({ title: 'Another' }));
    assert.equal(adrs.length, 1);
    assert.deepEqual(errors, ['ADR "architecture-style" is defined twice; every decision needs its own key.']);
  });

  void it('requires a superseded decision to name its successor one way or the other', () => {
    assert.deepEqual(parse(adr({ status: 'superseded' })).errors, [
      'ADR "architecture-style": status is "superseded" but "supersededBy" does not name the successor\'s key.',
    ]);
    assert.deepEqual(parse(adr({ status: 'superseded', supersededBy: 'new-style' })).errors, []);
    assert.deepEqual(
      parse(adr({ status: 'superseded' }), adr({ key: 'new-style', supersedes: 'architecture-style' })).errors,
      [],
    );
  });

  void it('reports structural problems of the block', () => {
    assert.deepEqual(parseAdrJson('{"adrs": []}').errors, ['"adrs" is empty; record at least one decision.']);
    assert.deepEqual(parseAdrJson('{"decisions": []}').errors, [
      'The archflow-adrs block must contain one JSON object {"adrs": [ … ]}.',
    ]);
    assert.match(parseAdrJson('{"adrs": [}').errors[0], /^The archflow-adrs block is not valid JSON .* at line 1/);
    assert.deepEqual(parseAdrJson('{"adrs": ["x"]}').errors, ['ADR #1 must be a JSON object, not "x".']);
  });
});

void describe('normalizeAdrStatus', () => {
  void it('reads statuses as people write them', () => {
    assert.equal(normalizeAdrStatus('Accepted'), 'accepted');
    assert.equal(normalizeAdrStatus('superseded by 0004'), 'superseded');
    assert.equal(normalizeAdrStatus('Superseded: ADR-4'), 'superseded');
    assert.equal(normalizeAdrStatus('approved'), undefined);
  });
});
