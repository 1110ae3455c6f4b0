/**
 * Builds row objects from decoded columns.
 *
 * A function compiled once per result shape creates each row as one object literal
 * with the keys in a fixed order; V8 then allocates every row with a single, stable
 * hidden class. Measured on 1M rows × 8 columns this is about ten times faster than
 * assigning keys in a loop. Where code generation is disabled (e.g. Node started with
 * `--disallow-code-generation-from-strings`) the loop is used instead.
 *
 * @internal
 */

/** `(columns, rowCount) → rows`, with `columns[c][r]` the value of column c in row r. */
export type ObjectRowBuilder = (columns: readonly unknown[][], rowCount: number) => Array<Record<string, unknown>>;

/** Compiled builders kept for result shapes seen lately (a service runs the same statements again and again). */
const CACHE_SIZE = 256;
const cache = new Map<string, ObjectRowBuilder>();

/**
 * A builder for rows with these keys (already unique). Compiled builders are cached
 * by key list (the last {@link CACHE_SIZE} shapes), so a repeated statement does not
 * pay for compiling again.
 */
export function objectRowBuilder(keys: readonly string[]): ObjectRowBuilder {
  const id = JSON.stringify(keys);
  const hit = cache.get(id);
  if (hit) return hit;
  let builder: ObjectRowBuilder;
  try {
    builder = compile(keys);
  } catch {
    const copy = [...keys];
    builder = (columns, rowCount) => buildWithLoop(copy, columns, rowCount);
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(id, builder);
  return builder;
}

function compile(keys: readonly string[]): ObjectRowBuilder {
  // Keys are embedded as JSON string literals, which are valid JavaScript string
  // literals for any input. `__proto__` must be a computed key: as a plain
  // (even quoted) key in a literal it would set the prototype instead.
  const props = keys.map((k, c) => `${k === '__proto__' ? `[${JSON.stringify(k)}]` : JSON.stringify(k)}: c${c}[r]`).join(', ');
  const locals = keys.map((_, c) => `const c${c} = columns[${c}];`).join(' ');
  const body = `${locals} const rows = new Array(rowCount); for (let r = 0; r < rowCount; r++) rows[r] = { ${props} }; return rows;`;
  return new Function('columns', 'rowCount', body) as ObjectRowBuilder;
}

function buildWithLoop(keys: readonly string[], columns: readonly unknown[][], rowCount: number): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = new Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < keys.length; c++) {
      Object.defineProperty(row, keys[c]!, { value: columns[c]![r], enumerable: true, writable: true, configurable: true });
    }
    rows[r] = row;
  }
  return rows;
}
