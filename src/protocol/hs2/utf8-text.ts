/**
 * UTF-8 text from a byte range, the hot path of decoding STRING, DECIMAL, TIMESTAMP
 * and DATE values.
 *
 * Each `buf.toString('utf8', start, end)` crosses into C++, which costs more than
 * decoding a short value itself. Short ASCII values (most DECIMAL, DATE, TIMESTAMP and
 * many STRING values) are therefore built with one `String.fromCharCode` call of
 * fixed arity: a flat one-byte string, about twice as fast as the native call on 1M
 * mixed values. Anything longer or not pure ASCII goes to the native decoder, so the
 * result is always exactly what `toString('utf8')` gives (including U+FFFD for invalid
 * sequences). The fixed-arity calls are compiled once; where code generation is
 * disabled (`--disallow-code-generation-from-strings`) every value takes the native
 * path.
 *
 * @internal
 */

/** Longest value built in JavaScript; longer ones use the native decoder. */
export const SHORT_TEXT_MAX = 32;

/** `buf[start..start+length)` as a string when every byte is ASCII, else undefined. */
type ShortAscii = (buf: Uint8Array, start: number, length: number) => string | undefined;

const shortAscii: ShortAscii | undefined = compile();

/**
 * One switch case per length: load each byte once into a local, OR them to test for
 * ASCII, then pass them all to one fromCharCode call (a single call yields a flat
 * string; concatenating pieces would give a rope that is flattened later).
 */
function compile(): ShortAscii | undefined {
  const cases: string[] = [];
  for (let len = 0; len <= SHORT_TEXT_MAX; len++) {
    const names = Array.from({ length: len }, (_, k) => `c${k}`);
    const loads = names.map((name, k) => `const ${name} = b[s + ${k}];`).join(' ');
    cases.push(`case ${len}: { ${loads} return (${len === 0 ? '0' : names.join(' | ')}) < 128 ? f(${names.join(', ')}) : undefined; }`);
  }
  try {
    const make = new Function('f', `return function shortAscii(b, s, n) { switch (n) { ${cases.join(' ')} default: return undefined; } };`);
    return make(String.fromCharCode) as ShortAscii;
  } catch {
    return undefined;
  }
}

/** `buf[start..end)` decoded as UTF-8; identical to `buf.toString('utf8', start, end)`. */
export function utf8Text(buf: Buffer, start: number, end: number): string {
  const len = end - start;
  if (len <= SHORT_TEXT_MAX && shortAscii !== undefined) {
    const text = shortAscii(buf, start, len);
    if (text !== undefined) return text;
  }
  return buf.toString('utf8', start, end);
}
