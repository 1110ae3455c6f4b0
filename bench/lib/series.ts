import { num, spread, times } from './format';
import type { RunFigures } from './load';
import { ratio, summarize, type Summary } from './stats';
import type { Table } from './table';

/** Repeated runs of one client configuration. */
export interface Series {
  label: string;
  runs: RunFigures[];
}

/** Median and spread of each figure of a series. */
export interface SeriesSummary {
  label: string;
  runs: number;
  qps: Summary;
  p50Ms: Summary;
  p99Ms: Summary;
  cpuUsPerOp: Summary;
  simCpuUsPerOp: Summary;
  failed: number;
}

/** Summarises every figure of a series over its runs. */
export function summarizeSeries(s: Series): SeriesSummary {
  const pick = (f: (r: RunFigures) => number): Summary => summarize(s.runs.map(f).filter(Number.isFinite));
  return {
    label: s.label,
    runs: s.runs.length,
    qps: pick((r) => r.qps),
    p50Ms: pick((r) => r.p50Ms),
    p99Ms: pick((r) => r.p99Ms),
    cpuUsPerOp: pick((r) => r.cpuUsPerOp),
    simCpuUsPerOp: pick((r) => r.simCpuUsPerOp),
    failed: s.runs.reduce((n, r) => n + r.failed, 0),
  };
}

/**
 * Ratio `a / b` of a figure run by run (runs were interleaved, so run i of each
 * series saw the same conditions), as median and spread.
 */
export function pairedRatio(a: Series, b: Series, f: (r: RunFigures) => number): Summary {
  const n = Math.min(a.runs.length, b.runs.length);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = ratio(f(a.runs[i]!), f(b.runs[i]!));
    if (Number.isFinite(r)) values.push(r);
  }
  return summarize(values);
}

/** A table of throughput, latency and client CPU per series; ratios rows compare series to a baseline. */
export function throughputTable(title: string, series: readonly Series[], ratios: ReadonlyArray<{ label: string; a: Series; b: Series }> = []): Table {
  const rows = series.map((s) => {
    const m = summarizeSeries(s);
    return [s.label, spread(m.qps), spread(m.p50Ms), spread(m.p99Ms), spread(m.cpuUsPerOp), spread(m.simCpuUsPerOp), num(m.failed)];
  });
  for (const r of ratios) {
    const q = pairedRatio(r.a, r.b, (x) => x.qps);
    const p50 = pairedRatio(r.a, r.b, (x) => x.p50Ms);
    const p99 = pairedRatio(r.a, r.b, (x) => x.p99Ms);
    const cpu = pairedRatio(r.a, r.b, (x) => x.cpuUsPerOp);
    const sim = pairedRatio(r.a, r.b, (x) => x.simCpuUsPerOp);
    rows.push([`ratio ${r.label}`, ratioCell(q), ratioCell(p50), ratioCell(p99), ratioCell(cpu), ratioCell(sim), '']);
  }
  return { title, columns: ['client', 'queries/s', 'p50 ms', 'p99 ms', 'client CPU µs/query', 'simulator CPU µs/query', 'errors'], rows };
}

function ratioCell(s: Summary): string {
  if (s.n === 0) return '–';
  return s.n === 1 || s.min === s.max ? times(s.median) : `${times(s.median)} (${num(s.min)}–${num(s.max)})`;
}
