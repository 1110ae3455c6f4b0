/**
 * Which tables Impala lets each DML verb change, with its refusal texts: only Kudu
 * and Iceberg tables can be updated or deleted from, only Kudu tables take UPSERT,
 * only Iceberg tables are MERGE targets. Plain HDFS tables (TEXTFILE, PARQUET...)
 * take INSERT and INSERT OVERWRITE only.
 *
 * @internal
 */
import type { TableInfo } from './catalog';
import { analysisError } from './sql-errors';
import type { QualifiedName } from './token-cursor';

/** The row-changing verbs Impala restricts to some storage formats. */
export type RestrictedVerb = 'UPDATE' | 'DELETE' | 'MERGE' | 'UPSERT';

/** The format a table was created with (`STORED AS KUDU`, `STORED BY ICEBERG`...); views have none. */
function formatOf(info: TableInfo | undefined): string {
  return info === undefined || info.kind === 'VIEW' ? '' : info.fileFormat.toUpperCase();
}

/**
 * Refuses `verb` on a table whose format Impala cannot change that way, with
 * Impala's AnalysisException text. A table the coordinator does not know is
 * left to the reference check.
 */
export function checkWritable(verb: RestrictedVerb, table: QualifiedName, info: TableInfo | undefined): void {
  if (info === undefined) return;
  const format = formatOf(info);
  const name = `${table.db}.${table.name}`;
  switch (verb) {
    case 'UPDATE':
    case 'DELETE':
      if (format !== 'KUDU' && format !== 'ICEBERG') {
        throw analysisError(`Impala only supports modifying Kudu and Iceberg tables, but the following table is neither: ${name}`);
      }
      return;
    case 'MERGE':
      if (format !== 'ICEBERG') throw analysisError(`Target table must be an Iceberg table: ${name}`);
      return;
    case 'UPSERT':
      if (format !== 'KUDU') throw analysisError('UPSERT is only supported for Kudu tables');
      return;
  }
}
