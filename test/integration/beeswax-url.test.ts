import { strict as assert } from 'node:assert';
import { ConfigError, createClient, ErrorCode, ImpalaError } from '../../src';
import { FAST, PoolFixture, variant } from '../helpers/pool-fixtures';

describe('client over Beeswax from a connection string (simulator)', function () {
  this.timeout(30_000);
  const fx = new PoolFixture(variant('beeswax'));
  afterEach(() => fx.stop());

  it("cluster.urlFor('beeswax') gives a URL the client takes as is: query, stream, execute and a session", async () => {
    await fx.start({ coordinators: 2 });
    const url = fx.cluster.urlFor('beeswax');
    assert.match(url, /^impala:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\/default\?protocol=beeswax$/);
    const impala = createClient({ url, ...FAST });
    fx.clients.push(impala);
    assert.equal(impala.options.protocol, 'beeswax');
    const r = await impala.query('SELECT ? AS n, 9223372036854775807 AS big', { params: [41] });
    assert.deepEqual(r.rows, [{ n: 41, big: 2n ** 63n - 1n }]);
    assert.ok(fx.addresses().includes(r.coordinator));
    let streamed = 0;
    for await (const row of impala.stream<{ range: bigint }>('SELECT range FROM range(2500)', { fetchSize: 1000 })) {
      assert.equal(row.range, BigInt(streamed));
      streamed++;
    }
    assert.equal(streamed, 2500);
    const count = await impala.withSession(async (s) => {
      await s.execute('CREATE TABLE url_t (a INT)');
      await s.execute('SET MEM_LIMIT=1g');
      const inserted = await s.execute('INSERT INTO url_t VALUES (1), (2)');
      assert.equal(inserted.rowsModified, 2n);
      return s.query('SELECT count(*) AS n FROM url_t');
    });
    assert.deepEqual(count.rows, [{ n: 2n }]);
    await assert.rejects(impala.query('SET MEM_LIMIT=1g'), (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.INVALID_ARGUMENT);
  });

  it('doAs (impersonation) over Beeswax is refused at createClient with a config error naming the protocols that carry it', () => {
    assert.throws(
      () => createClient({ coordinators: ['127.0.0.1:21000'], protocol: 'beeswax', doAs: 'bob' }),
      (e: unknown) => e instanceof ConfigError && e.code === ErrorCode.CONFIG_UNSUPPORTED && e.option === 'doAs' && /'hs2'.*'hs2-http'/.test(e.message),
    );
  });
});
