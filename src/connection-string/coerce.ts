/** Largest delay Node timers honour (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/i;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const INTEGER = /^[+]?\d+$/;
// Exponents are accepted because String() writes very small numbers that way (1e-7).
const DECIMAL = /^[+]?(\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * Reads a duration: a number (ms) or `'<n>[ms|s|m|h]'` (no unit = ms). Returns whole
 * milliseconds, or undefined when the text is not a duration or not a whole number of
 * milliseconds.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = DURATION.exec(value.trim());
  if (!m) return undefined;
  const amount = Number(m[1]);
  const ms = amount * UNIT_MS[(m[2] ?? 'ms').toLowerCase()]!;
  // Round away float noise ('0.1s' = 100.00000000000001) but refuse real fractions of a ms.
  const rounded = Math.round(ms);
  return Math.abs(ms - rounded) < 1e-6 && Number.isSafeInteger(rounded) ? rounded : undefined;
}

/** Reads a non-negative integer from a number or decimal digits; undefined otherwise. */
export function parseInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !INTEGER.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Reads a non-negative finite number (`0.2`, `'.5'`, `'10'`, `'1e-3'`); undefined otherwise. */
export function parseDecimal(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** Reads a boolean from `true/false`, `1/0`, `yes/no`, `on/off` (any case); undefined otherwise. */
export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** Shows a user-supplied value in an error message: quoted, shortened, control characters escaped. */
export function showValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = `'${value}'`;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else if (value === null) text = 'null';
  else if (Array.isArray(value)) text = '(array)';
  else text = `(${typeof value})`;
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** False for strings with unpaired UTF-16 surrogates, which cannot be sent as UTF-8 or percent-encoded. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
