import type { Summary } from './stats';

/**
 * A number for a table cell: thousands separated, with about three significant
 * digits below 100 (`0.0423`, `4.23`, `42.3`) and none above 100 or for integers
 * (`1,234`, `3`). `–` for NaN or a non-finite value.
 */
export function num(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  const decimals = Math.min(6, Math.max(0, digits - 1 - Math.floor(Math.log10(abs))));
  return value.toFixed(decimals);
}

/** `median (min–max)` of a summary, each with {@link num}; just the median when n = 1; `–` when empty. */
export function spread(s: Summary, unit = ''): string {
  if (s.n === 0 || !Number.isFinite(s.median)) return '–';
  const m = `${num(s.median)}${unit}`;
  return s.n === 1 || s.min === s.max ? m : `${m} (${num(s.min)}–${num(s.max)})`;
}

/** A ratio as `1.23×`. */
export function times(r: number): string {
  return Number.isFinite(r) ? `${num(r)}×` : '–';
}

/** Bytes in MiB with one decimal. */
export function mib(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1048576).toFixed(1) : '–';
}

/** A duration in ms as `850 ms` or `6.2 s`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
