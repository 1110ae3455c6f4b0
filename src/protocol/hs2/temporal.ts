/**
 * Impala's TIMESTAMP and DATE text → `Date`. Impala values have no time zone; they are
 * read as UTC so the fields of the `Date` (getUTC*) match the text.
 *
 * @internal
 */

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `YYYY-MM-DD HH:MM:SS[.fffffffff]` as a UTC `Date`, keeping milliseconds (the
 * fraction's digits beyond the third are dropped, not rounded). `undefined` when the
 * text is not in that form or names an impossible date.
 */
export function parseImpalaTimestamp(text: string): Date | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  return utcDate(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
}

/** `YYYY-MM-DD` as a `Date` at UTC midnight; `undefined` when malformed or impossible. */
export function parseImpalaDate(text: string): Date | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  return utcDate(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0, 0);
}

function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  // Date.UTC maps years 0-99 to 1900-1999; Impala DATE starts at year 1.
  if (year < 100) d.setUTCFullYear(year);
  // Reject overflow such as 2023-02-30 rather than silently moving to March.
  if (d.getUTCDate() !== day) return undefined;
  return d;
}
