/**
 * How `impala-ha query` prints values: impala-shell's conventions (NULL as `NULL`,
 * booleans as `true`/`false`, numbers and text as they are), with exact BIGINT and
 * DECIMAL text, and BINARY as hex since raw bytes would garble a terminal.
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** One delimited output line (`-B`): values joined by the delimiter, no quoting, as impala-shell does. */
export function delimitedLine(row: readonly unknown[], delimiter: string): string {
  return row.map(formatValue).join(delimiter);
}

/**
 * An impala-shell style table:
 * ```
 * +----+------+
 * | id | name |
 * +----+------+
 * | 1  | a    |
 * +----+------+
 * ```
 */
export function renderTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map(formatValue));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (values: readonly string[]): string => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [rule, line(header), rule, ...cells.map(line), rule].join('\n');
}
