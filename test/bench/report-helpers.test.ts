import { strict as assert } from 'node:assert';
import { num, spread, times } from '../../bench/lib/format';
import { bucketize, type LoadResult } from '../../bench/lib/load';
import { analyzeRecovery } from '../../bench/lib/recovery';
import { percentile, summarize } from '../../bench/lib/stats';
import { renderTable } from '../../bench/lib/table';

/** A load run that completes `perSecond(t)` operations each second, sampled every 10 ms. */
function syntheticRun(spanMs: number, perSecond: (t: number) => number): LoadResult {
  const okAtMs: number[] = [];
  let carry = 0;
  for (let t = 0; t < spanMs; t += 10) {
    carry += perSecond(t) / 100;
    for (; carry >= 1; carry--) okAtMs.push(t);
  }
  return {
    ok: okAtMs.length,
    failed: 0,
    stuck: 0,
    errors: {},
    errorSamples: {},
    latenciesMs: okAtMs.map(() => 5),
    okAtMs,
    failedAtMs: [],
    failedLatenciesMs: [],
    elapsedMs: spanMs,
    cpuMicros: 0,
  };
}

describe('bench: statistics and formatting', () => {
  it('interpolates percentiles and summarises only finite values', () => {
    assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
    assert.equal(percentile([10], 99), 10);
    assert.ok(Number.isNaN(percentile([], 50)));
    const s = summarize([5, Number.NaN, 1, 3, Number.POSITIVE_INFINITY]);
    assert.deepEqual([s.n, s.min, s.median, s.max], [3, 1, 3, 5]);
  });

  it('prints integers whole, small numbers with three significant digits, and NaN as a dash', () => {
    assert.equal(num(1234.4), '1,234');
    assert.equal(num(3), '3');
    assert.equal(num(4.2345), '4.23');
    assert.equal(num(0.04236), '0.0424');
    assert.equal(num(Number.NaN), '–');
    assert.equal(times(1.5), '1.50×');
    assert.equal(spread(summarize([2.5, 1.5, 3.5]), ' ms'), '2.50 ms (1.50–3.50)');
    assert.equal(spread(summarize([])), '–');
  });

  it('renders a padded markdown table with right-aligned numbers and escaped pipes', () => {
    const text = renderTable({ title: 'T', columns: ['client', 'q/s'], rows: [['a|b', '12'], ['c', '1,234']], notes: ['n'] });
    const lines = text.split('\n');
    assert.equal(lines[0], '**T**');
    assert.equal(lines[2], '| client |   q/s |');
    assert.match(lines[3]!, /^\| -+ \| -+: \|$/);
    assert.ok(lines[4]!.startsWith('| a\\|b '));
    assert.equal(lines[lines.length - 1], '- n');
  });

  it('counts completions per bucket and ignores those outside the span', () => {
    assert.deepEqual(bucketize([0, 10, 260, 999, 1000, -5], 250, 1000), [2, 1, 0, 1]);
  });
});

describe('bench: recovery analysis', () => {
  const window = { faultAtMs: 3000, restoreAtMs: 11_000, baselineFromMs: 0 };

  it('finds a 2 s outage: a full dip and throughput back about 2 s after the fault', () => {
    const r = syntheticRun(12_000, (t) => (t >= 3000 && t < 5000 ? 0 : 200));
    const f = analyzeRecovery(r, window);
    assert.ok(Math.abs(f.baselineQps - 200) <= 10, `baseline ${f.baselineQps}`);
    assert.ok(f.dip < 0.05, `dip ${f.dip}`);
    assert.ok(f.recoveryMs >= 1750 && f.recoveryMs <= 2500, `recovery ${f.recoveryMs}`);
    assert.equal(f.errors, 0);
  });

  it('reports 0 when throughput never fell below 90%', () => {
    const f = analyzeRecovery(syntheticRun(12_000, () => 200), window);
    assert.equal(f.recoveryMs, 0);
    assert.ok(f.dip > 0.9);
  });

  it('reports NaN when throughput had not come back by the restore', () => {
    const f = analyzeRecovery(syntheticRun(12_000, (t) => (t >= 3000 ? 100 : 200)), window);
    assert.ok(Number.isNaN(f.recoveryMs));
    assert.ok(Math.abs(f.dip - 0.5) < 0.1, `dip ${f.dip}`);
  });

  it('dates the last caller-visible failure or stall from the fault, and 0 when there was none', () => {
    const r = syntheticRun(12_000, () => 200);
    r.failed = 2;
    r.failedAtMs = [3500, 4200];
    r.failedLatenciesMs = [2000, 10];
    r.latenciesMs[r.okAtMs.findIndex((t) => t >= 5000)] = 1500; // one stalled success ending at 5 s
    const f = analyzeRecovery(r, window);
    assert.equal(f.lastDisruptionMs, 2000);
    assert.equal(f.errors, 2);
    assert.equal(f.errorsDuringFault, 2);
    assert.equal(f.slowestMs, 2000);
    assert.equal(analyzeRecovery(syntheticRun(12_000, () => 200), window).lastDisruptionMs, 0);
  });

  it('does not take one slow second late in the fault window for a second outage', () => {
    const f = analyzeRecovery(syntheticRun(12_000, (t) => (t >= 3000 && t < 4000 ? 0 : t >= 9000 && t < 9250 ? 0 : 200)), window);
    assert.ok(f.recoveryMs >= 750 && f.recoveryMs <= 1500, `recovery ${f.recoveryMs}`);
  });
});
