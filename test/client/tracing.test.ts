import { strict as assert } from 'node:assert';
import { tracingChannel } from 'node:diagnostics_channel';
import type { TraceContext } from '../../src';
import { ErrorCode } from '../../src';
import { PoolFixture } from '../helpers/pool-fixtures';

type Event = { kind: 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error'; ctx: TraceContext };

/** Subscribes to one of the client's tracing channels for the duration of a test. */
function record(name: string): { events: Event[]; stop(): void } {
  const ch = tracingChannel<object, TraceContext>(name);
  const events: Event[] = [];
  const handlers = {
    start: (ctx: TraceContext) => events.push({ kind: 'start', ctx: { ...ctx } }),
    end: (ctx: TraceContext) => events.push({ kind: 'end', ctx: { ...ctx } }),
    asyncStart: (ctx: TraceContext) => events.push({ kind: 'asyncStart', ctx: { ...ctx } }),
    asyncEnd: (ctx: TraceContext) => events.push({ kind: 'asyncEnd', ctx: { ...ctx } }),
    error: (ctx: TraceContext) => events.push({ kind: 'error', ctx: { ...ctx } }),
  };
  ch.subscribe(handlers);
  return { events, stop: () => ch.unsubscribe(handlers) };
}

describe('diagnostics_channel tracing (simulator)', function () {
  this.timeout(30_000);
  const fx = new PoolFixture();
  before(() => fx.start({ coordinators: 2 }));
  after(() => fx.stop());

  it('impala-ha:query carries OpenTelemetry db attributes, never parameter values', async () => {
    const q = record('impala-ha:query');
    try {
      const impala = fx.client();
      const r = await impala.query('SELECT ? AS secret', { params: ['hunter2'] });
      const kinds = q.events.map((e) => e.kind);
      assert.deepEqual(kinds, ['start', 'end', 'asyncStart', 'asyncEnd']);
      const done = q.events.at(-1)!.ctx;
      assert.equal(done['db.system.name'], 'impala');
      assert.equal(done['db.namespace'], 'default');
      assert.equal(done['db.query.text'], 'SELECT ? AS secret');
      assert.equal(done['db.operation.name'], 'SELECT');
      assert.equal(`${done['server.address']}:${done['server.port']}`, r.coordinator);
      assert.equal(done['impala.query_id'], r.queryId);
      assert.equal(done['impala.attempts'], 1);
      assert.equal(done['db.response.returned_rows'], 1);
      assert.ok(!JSON.stringify(q.events).includes('hunter2'), 'no parameter value anywhere');
    } finally {
      q.stop();
    }
  });

  it('a failed statement publishes error with error.type and the status code', async () => {
    const q = record('impala-ha:query');
    try {
      const impala = fx.client();
      await assert.rejects(impala.query('SELECT * FROM no_such_table'));
      const err = q.events.find((e) => e.kind === 'error')!.ctx;
      assert.equal(err['error.type'], ErrorCode.OBJECT_NOT_FOUND);
      assert.ok(typeof err['db.response.status_code'] === 'string' && err['db.response.status_code'] !== '');
      assert.ok(err['server.address']);
    } finally {
      q.stop();
    }
  });

  it('impala-ha:connect and impala-ha:pool:acquire trace opens and waits, and session statements trace too', async () => {
    const c = record('impala-ha:connect');
    const a = record('impala-ha:pool:acquire');
    const q = record('impala-ha:query');
    try {
      const impala = fx.client();
      await impala.withSession(async (s) => {
        await s.execute('SET MEM_LIMIT=1g');
        await s.query('SELECT 1');
      });
      const opened = c.events.filter((e) => e.kind === 'asyncEnd').map((e) => e.ctx);
      assert.equal(opened.length, 1);
      assert.equal(opened[0]!['impala.purpose'], 'pool');
      assert.ok(opened[0]!['server.port']! > 0);
      assert.equal(a.events.filter((e) => e.kind === 'asyncEnd').length, 1);
      assert.deepEqual(
        q.events.filter((e) => e.kind === 'asyncEnd').map((e) => e.ctx['db.operation.name']),
        ['SET', 'SELECT'],
      );
    } finally {
      c.stop();
      a.stop();
      q.stop();
    }
  });
});
