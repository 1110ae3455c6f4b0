/**
 * hive-driver's own FetchOrientation.FETCH_NEXT (its enum: FETCH_FIRST = 0,
 * FETCH_NEXT = 1, unlike Thrift's TFetchOrientation). `HiveUtils.fetchAll(op)`
 * without it starts with FETCH_FIRST, which Impala refuses unless the statement
 * was run with `impala.resultset.cache.size` (protocol reference §2.9).
 */
export const HIVE_FETCH_NEXT = 1 as never;

/** hive-driver's FETCH_FIRST (see {@link HIVE_FETCH_NEXT}). */
export const HIVE_FETCH_FIRST = 0 as never;
