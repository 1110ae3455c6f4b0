/** One results table: a header row and body rows of preformatted cells. */
export interface Table {
  /** Shown above the table. */
  title?: string;
  columns: string[];
  rows: string[][];
  /** Lines printed under the table (settings, caveats). */
  notes?: string[];
}

function escapeCell(cell: string): string {
  return cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * Renders a table as GitHub markdown, padded so it also reads well on a terminal.
 * The first column is left-aligned, the others right-aligned (they hold numbers).
 */
export function renderTable(table: Table): string {
  const cells = [table.columns, ...table.rows].map((row) => table.columns.map((_, i) => escapeCell(row[i] ?? '')));
  const widths = table.columns.map((_, i) => Math.max(3, ...cells.map((row) => [...row[i]!].length)));
  const pad = (cell: string, i: number): string => {
    const fill = ' '.repeat(widths[i]! - [...cell].length);
    return i === 0 ? cell + fill : fill + cell;
  };
  const line = (row: string[]): string => `| ${row.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  const out: string[] = [];
  if (table.title) out.push(`**${table.title}**`, '');
  out.push(line(cells[0]!), rule, ...cells.slice(1).map(line));
  if (table.notes?.length) out.push('', ...table.notes.map((n) => `- ${n}`));
  return out.join('\n');
}
