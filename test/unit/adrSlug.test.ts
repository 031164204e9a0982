import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adrFileName, adrFileSlug, adrSlug, isAdrFileName, titleKeepsMeaning } from '../../src/core/adr/slug';

void describe('adrSlug', () => {
  void it('lowercases and hyphenates', () => {
    assert.equal(adrSlug('Use a Modular Monolith'), 'use-a-modular-monolith');
    assert.equal(adrSlug('  PostgreSQL 16 for orders (not MongoDB)! '), 'postgresql-16-for-orders-not-mongodb');
  });

  void it('folds accents and special letters to ASCII', () => {
    assert.equal(adrSlug('Café & Crème: Ünïcode — Straße, Ørsted, Œuvre'), 'cafe-creme-unicode-strasse-orsted-oeuvre');
    assert.equal(adrSlug('Ｆｕｌｌｗｉｄｔｈ ＡＰＩ'), 'fullwidth-api');
  });

  void it('cannot escape the adr folder', () => {
    assert.equal(adrSlug('../../etc/passwd'), 'etc-passwd');
    assert.equal(adrSlug('..'), 'decision');
    assert.equal(adrSlug('C:\\Windows\\system32'), 'c-windows-system32');
  });

  void it('gives a neutral slug to titles without ASCII letters or digits', () => {
    assert.equal(adrSlug(''), 'decision');
    assert.equal(adrSlug('데이터베이스 선택'), 'decision');
    assert.equal(adrSlug('🙂🚀'), 'decision');
    assert.equal(adrSlug('데이터베이스 선택 (PostgreSQL 16)'), 'postgresql-16');
    assert.equal(adrSlug('🚀 Launch fast 🚀'), 'launch-fast');
  });

  void it('suffixes Windows reserved names', () => {
    assert.equal(adrSlug('CON'), 'con-decision');
    assert.equal(adrSlug('nul'), 'nul-decision');
    assert.equal(adrSlug('Com1'), 'com1-decision');
    assert.equal(adrSlug('LPT9'), 'lpt9-decision');
    assert.equal(adrSlug('Console'), 'console');
    assert.equal(adrSlug('con figure'), 'con-figure');
  });

  void it('cuts very long titles at a hyphen', () => {
    const slug = adrSlug('word '.repeat(40));
    assert.ok(slug.length <= 60);
    assert.ok(!slug.endsWith('-') && !slug.startsWith('-'));
    assert.ok(slug.split('-').every((w) => w === 'word'));
    assert.equal(adrSlug('a'.repeat(100)), 'a'.repeat(60));
    assert.match(adrSlug('x'.repeat(50) + ' ' + 'y'.repeat(50)), /^x{50}$/);
  });

  void it('only ever produces lowercase ASCII letters, digits and single hyphens', () => {
    for (const title of ['A -- B', '---', '__init__', 'a\u0000b', 'ǅemal', 'İstanbul', 'ﬁle', '½ price']) {
      assert.match(adrSlug(title), /^[a-z0-9]+(-[a-z0-9]+)*$/, title);
    }
  });
});

void describe('the file slug: the title, or the English key when the title would lose its meaning', () => {
  void it('keeps a Latin-script title of two words or more, accents folded', () => {
    assert.equal(adrFileSlug('Use PostgreSQL for orders', 'order-data-store'), 'use-postgresql-for-orders');
    // German titles, as the German sample PRD's decisions read.
    assert.equal(
      adrFileSlug('Wartelisten in einer gemeinsamen PostgreSQL-Datenbank führen', 'waiting-list-store'),
      'wartelisten-in-einer-gemeinsamen-postgresql-datenbank-fuhren',
    );
    assert.equal(adrFileSlug('Hosting im kommunalen Rechenzentrum', 'platform'), 'hosting-im-kommunalen-rechenzentrum');
    assert.ok(titleKeepsMeaning('Übergabe per Outbox'));
  });

  void it('takes the key for a title in a non-Latin script, even when some Latin words survive', () => {
    // Korean titles, as the Korean sample PRD's decisions read: they gave 0002-api-db.md and 0008-3-vpc-vpc.md.
    assert.equal(adrFileSlug('주문 API와 DB 분리', 'order-service-split'), 'order-service-split');
    assert.equal(adrFileSlug('3개 VPC로 VPC 분리', 'network-isolation'), 'network-isolation');
    assert.equal(adrFileSlug('데이터베이스 선택', 'primary-data-store'), 'primary-data-store');
    assert.equal(adrFileSlug('Выбор базы данных', 'primary-data-store'), 'primary-data-store');
    assert.equal(adrFileSlug('使用消息队列', 'async-processing'), 'async-processing');
    assert.equal(titleKeepsMeaning('주문 API와 DB 분리'), false);
  });

  void it('takes the key when fewer than two words are left', () => {
    assert.equal(adrFileSlug('Kafka', 'event-streaming'), 'event-streaming');
    assert.equal(adrFileSlug('🚀 PostgreSQL', 'primary-data-store'), 'primary-data-store');
    assert.equal(adrFileSlug('!!!', 'observability-stack'), 'observability-stack');
  });

  void it('falls back to the title when there is no usable key', () => {
    assert.equal(adrFileSlug('데이터베이스 선택'), 'decision');
    assert.equal(adrFileSlug('Kafka', ''), 'kafka');
    assert.equal(adrFileSlug('데이터베이스 선택', '---'), 'decision');
  });
});

void describe('adrFileName', () => {
  void it('pads the number to four digits under adr/', () => {
    assert.equal(adrFileName(1, 'Use a modular monolith'), 'adr/0001-use-a-modular-monolith.md');
    assert.equal(adrFileName(42, '데이터베이스 선택'), 'adr/0042-decision.md');
    assert.equal(adrFileName(12345, 'Big'), 'adr/12345-big.md');
  });

  void it('rejects numbers that are not positive integers', () => {
    assert.throws(() => adrFileName(0, 'x'));
    assert.throws(() => adrFileName(1.5, 'x'));
  });

  void it('recognises paths it could have produced', () => {
    assert.ok(isAdrFileName('adr/0003-use-kafka.md', 3));
    assert.ok(!isAdrFileName('adr/0003-use-kafka.md', 4));
    assert.ok(!isAdrFileName('adr/../0003-x.md'));
    assert.ok(!isAdrFileName('/etc/0003-x.md'));
    assert.ok(!isAdrFileName('adr/0003-Use-Kafka.md'));
  });
});

void it('hostile ADR titles become harmless files inside adr/ when written', async () => {
  const { promises: fs } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { assignNumbers } = await import('../../src/core/adr/numbering');
  const { renderAdr } = await import('../../src/core/adr/render');
  const { ArtifactStore } = await import('../../src/core/store');
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-adr-'));
  const store = new ArtifactStore(path.join(base, 'out'));
  const draft = (key: string, title: string) => ({
    key,
    title,
    status: 'accepted' as const,
    context: 'c',
    decision: 'd',
    consequences: { positive: ['p'], negative: ['n'] },
    alternatives: [{ option: 'o', rejectedBecause: 'r' }],
    requirements: ['FR-1'],
    elements: [],
  });
  const records = assignNumbers(
    [
      draft('a', '../../etc/passwd'),
      draft('b', 'CON'),
      draft('c', '..\\..\\windows\\system32'),
      draft('database-choice', '데이터베이스 선택'),
    ],
    [],
    '2026-11-24',
  );
  for (const r of records) await store.write(r.file, renderAdr(r));
  assert.deepEqual((await fs.readdir(path.join(base, 'out', 'adr'))).sort(), [
    '0001-etc-passwd.md',
    '0002-con-decision.md',
    '0003-windows-system32.md',
    '0004-database-choice.md',
  ]);
  assert.deepEqual(await fs.readdir(base), ['out']);
  assert.match(
    await fs.readFile(path.join(base, 'out', 'adr', '0004-database-choice.md'), 'utf8'),
    /title: "데이터베이스 선택"/,
  );
});
