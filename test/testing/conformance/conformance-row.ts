/**
 * The conformance table: statements with what Apache Impala answers for them
 * (result types with precision/scale/length, column labels, values, or error
 * text), each with a one-word note of where the expectation comes from. The
 * runner (`conformance.test.ts`) sends every row to the simulator over HS2 and
 * compares. Tables live in `*.rows.ts` files of this folder; each exports a
 * {@link ConformanceSuite}.
 *
 * Source notes: `fe` = Impala frontend source (analysis/, catalog/), `fns` = the
 * builtin function registry (impala_functions.py), `be` = backend behaviour as
 * documented in code comments, `docs` = Impala documentation, `hs2` = the HS2
 * encoding (hs2-util.cc, protocol reference §2.10), `unsure` = our best reading
 * where the sources leave room (the row says why in `note`).
 */

/** Where an expectation comes from. */
export type SourceNote = 'fe' | 'fns' | 'be' | 'docs' | 'hs2' | 'unsure';

/** A value as the HS2 test client decodes it: numbers, bigint for BIGINT, text for DECIMAL/TIMESTAMP/DATE/strings. */
export type CellValue = boolean | number | bigint | string | null;

/** One statement and what Impala answers. */
export interface ConformanceRow {
  readonly sql: string;
  /** Result column types as Impala's `Type.toSql()`: `TINYINT`, `DECIMAL(38,0)`, `CHAR(5)`, `NULL_TYPE`. */
  readonly types?: readonly string[];
  /** Result column labels (GetResultSetMetadata columnName). */
  readonly labels?: readonly string[];
  /** The first result row. */
  readonly values?: readonly CellValue[];
  /** Text the error detail contains (the statement must fail). */
  readonly error?: string;
  readonly source: SourceNote;
  /** Why, when the row needs explaining (required for `unsure`). */
  readonly note?: string;
}

/** A group of rows with the statements that prepare their tables. */
export interface ConformanceSuite {
  /** Name shown by the runner. */
  readonly name: string;
  /** Database the rows run in; created (with setup) before the rows. */
  readonly database: string;
  /** Statements run once, in order, in `database` before the rows. */
  readonly setup: readonly string[];
  readonly rows: readonly ConformanceRow[];
}

/** A one-column row: type, label and value. */
export function one(sql: string, type: string, label: string, value: CellValue, source: SourceNote, note?: string): ConformanceRow {
  return { sql, types: [type], labels: [label], values: [value], source, ...(note === undefined ? {} : { note }) };
}

/** A row whose statement Impala refuses with this text. */
export function fails(sql: string, error: string, source: SourceNote, note?: string): ConformanceRow {
  return { sql, error, source, ...(note === undefined ? {} : { note }) };
}
