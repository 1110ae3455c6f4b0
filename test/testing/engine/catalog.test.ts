import assert from 'node:assert/strict';
import { Catalog, PLAIN_TABLE, type CatalogChange } from '../../../src/testing/engine/catalog';

function table(db: string, name: string): CatalogChange {
  return { op: 'createTable', db, table: name, info: PLAIN_TABLE };
}

describe('engine catalog propagation (protocol reference §5.3)', () => {
  let now = 0;
  let catalog: Catalog;

  beforeEach(() => {
    now = 1000;
    catalog = new Catalog(() => now);
    catalog.recordEverywhere([{ op: 'createDatabase', db: 'default', comment: '' }]);
  });

  it('shows a change to its coordinator at once and to the others after the lag', () => {
    catalog.record([table('default', 't')], 0, 200);
    assert.ok(catalog.viewFor(0).table('default', 't'));
    assert.equal(catalog.viewFor(1).table('default', 't'), undefined);
    now += 199;
    assert.equal(catalog.viewFor(2).table('default', 't'), undefined);
    now += 1;
    assert.ok(catalog.viewFor(1).table('default', 't'));
    assert.ok(catalog.viewFor(2).table('default', 't'));
  });

  it('applies changes in order: a coordinator never sees a later change without the earlier ones', () => {
    catalog.record([table('default', 'slow')], 0, 500);
    now += 10;
    catalog.record([table('default', 'fast')], 1, 0);
    // Coordinator 2 has the second change, so it also has the first.
    assert.deepEqual(catalog.viewFor(2).tables('default'), ['fast', 'slow']);
  });

  it('propagates drops with the same lag', () => {
    catalog.recordEverywhere([table('default', 't')]);
    catalog.record([{ op: 'dropTable', db: 'default', table: 't' }], 1, 100);
    assert.equal(catalog.viewFor(1).table('default', 't'), undefined);
    assert.ok(catalog.viewFor(0).table('default', 't'));
    now += 100;
    assert.equal(catalog.viewFor(0).table('default', 't'), undefined);
  });

  it('brings one coordinator up to date on catchUp (INVALIDATE METADATA, restart)', () => {
    catalog.record([table('default', 't')], 0, 10_000);
    catalog.catchUp(1);
    assert.ok(catalog.viewFor(1).table('default', 't'));
    assert.equal(catalog.viewFor(2).table('default', 't'), undefined);
  });

  it('makes seeded objects visible everywhere without leaking pending DDL', () => {
    catalog.record([table('default', 'ddl')], 0, 10_000);
    catalog.recordEverywhere([table('default', 'seeded')]);
    assert.deepEqual(catalog.viewFor(3).tables('default'), ['seeded']);
    assert.deepEqual(catalog.latest().tables('default'), ['ddl', 'seeded']);
  });

  it('drops the tables of a dropped database', () => {
    catalog.recordEverywhere([{ op: 'createDatabase', db: 'x', comment: 'c' }, table('x', 't')]);
    assert.deepEqual(catalog.viewFor(0).databases(), [{ name: 'default', comment: '' }, { name: 'x', comment: 'c' }]);
    catalog.record([{ op: 'dropDatabase', db: 'x' }], 0, 0);
    assert.equal(catalog.viewFor(0).hasDatabase('x'), false);
    assert.deepEqual(catalog.viewFor(0).tables('x'), []);
  });
});
