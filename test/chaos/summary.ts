import { describeFault } from './fault-scheduler';
import { FAULT_KINDS } from './fault-timeline';
import type { RoundReport } from './chaos-round';
import type { StatementKind } from './statement-ledger';

const KINDS: readonly StatementKind[] = ['read', 'stream', 'dml', 'session-open', 'session-ddl', 'session-dml', 'session-read'];

/** A plain-text table with right-aligned numbers. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The print-out of one round: statements, failures by code, faults, client events, invariants. */
export function renderRound(r: RoundReport, verbose: boolean): string {
  const out: string[] = [];
  out.push(`== ${r.mode}${r.proxy ? ` (client → HAProxy ${r.proxy} → ${r.addresses.join(', ')})` : ` (client → ${r.addresses.join(', ')})`}, wall ${(r.wallMs / 1000).toFixed(1)} s`);
  out.push('');
  const rows: Array<Array<string | number>> = KINDS.map((k) => {
    const of = r.records.filter((x) => x.kind === k);
    return [k, of.length, of.filter((x) => x.outcome === 'ok').length, of.filter((x) => x.outcome === 'unknown').length, of.filter((x) => x.outcome === 'failed').length, of.filter((x) => (x.attempts ?? 1) > 1).length];
  });
  const all = r.records;
  rows.push(['total', all.length, all.filter((x) => x.outcome === 'ok').length, all.filter((x) => x.outcome === 'unknown').length, all.filter((x) => x.outcome === 'failed').length, all.filter((x) => (x.attempts ?? 1) > 1).length]);
  out.push(table(['statements', 'total', 'ok', 'may-have-run', 'failed', 'ok after retry'], rows));
  out.push('');
  const codes = new Map<string, number>();
  for (const x of all) if (x.code) codes.set(`${x.kind} ${x.code}`, (codes.get(`${x.kind} ${x.code}`) ?? 0) + 1);
  if (codes.size > 0) {
    out.push(table(['failures by kind and code', 'count'], [...codes].sort((a, b) => b[1] - a[1])));
    out.push('');
  }
  const faults = FAULT_KINDS.map((k) => [k, r.timeline.records.filter((f) => f.kind === k).length] as const);
  out.push(table(['faults injected', 'count'], [...faults, ['total', r.timeline.records.length]]));
  if (verbose) {
    out.push('');
    out.push('fault timeline:');
    for (const f of r.timeline.records) out.push(`  ${describeFault(f, r.addresses[f.coordinator] ?? '?')}`);
  }
  out.push('');
  out.push(table(['client events', 'count'], Object.entries(r.events)));
  out.push('');
  out.push(renderVerdicts(r));
  return out.join('\n');
}

/** PASS/FAIL per invariant with its figures, and the offenders of each failure. */
export function renderVerdicts(r: RoundReport): string {
  const out: string[] = [table(['invariant', 'verdict'], r.results.map((x) => [x.name, x.pass ? 'PASS' : 'FAIL']))];
  for (const x of r.results) {
    out.push(`  ${x.pass ? 'PASS' : 'FAIL'} ${x.name}: ${x.summary}`);
    for (const d of x.details) out.push(`       ${d}`);
  }
  return out.join('\n');
}
