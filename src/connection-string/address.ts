import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError, ErrorCode } from '../errors';
import { showValue } from './coerce';

/** One coordinator address split into its parts. */
export interface Address {
  /** Host name (lower case), IPv4 address, or IPv6 address without brackets (zone kept as `%zone`). */
  readonly host: string;
  /** TCP port 1..65535, when the address named one. */
  readonly port: number | undefined;
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const DOTTED_NUMBERS = /^[0-9.]+$/;
const PORT = /^0*\d{1,5}$/;

function invalid(message: string): ConfigError {
  return new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, message, 'coordinators');
}

/** Checks a host name or IPv4 address and returns it in lower case. */
export function normaliseHostName(raw: string): string {
  const host = raw.toLowerCase();
  if (host.length === 0) throw invalid('a coordinator address has an empty host');
  if (DOTTED_NUMBERS.test(host)) {
    if (!isIPv4(host)) throw invalid(`invalid IPv4 address ${showValue(raw)} in coordinators`);
    return host;
  }
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  if (host.length > 253 || !labels.every((l) => LABEL.test(l))) {
    const hint = host.includes(':') ? ' (IPv6 addresses go in brackets, e.g. [::1]:21050)' : '';
    throw invalid(
      `invalid host ${showValue(raw)} in coordinators${hint}: use a DNS name (letters, digits, '-', '_', '.'), an IPv4 address or a bracketed IPv6 address`,
    );
  }
  return host;
}

function normaliseIPv6(inside: string, original: string): string {
  // A zone id is written %25<zone> in URLs and %<zone> elsewhere; keep it as %<zone>.
  const zoneAt = inside.indexOf('%');
  const address = (zoneAt === -1 ? inside : inside.slice(0, zoneAt)).toLowerCase();
  let zone = zoneAt === -1 ? '' : inside.slice(zoneAt + 1);
  if (zone.startsWith('25') && zone.length > 2) zone = zone.slice(2);
  if (!isIPv6(address) || (zoneAt !== -1 && !/^[A-Za-z0-9_.-]+$/.test(zone))) {
    throw invalid(`invalid IPv6 address ${showValue(original)} in coordinators`);
  }
  return zone ? `${address}%${zone}` : address;
}

function parsePort(text: string, original: string): number {
  const port = PORT.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw invalid(`invalid port ${showValue(text)} in coordinator ${showValue(original)}: expected a number from 1 to 65535`);
  }
  return port;
}

/**
 * Parses `host`, `host:port`, `[v6]` or `[v6]:port`. Throws a {@link ConfigError}
 * (CONFIG_INVALID_VALUE, option `coordinators`) naming the bad part.
 */
export function parseAddress(text: string): Address {
  const raw = text.trim();
  if (raw.length === 0) throw invalid('a coordinator address is empty (check for a doubled or trailing comma)');
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']');
    if (close === -1) throw invalid(`unclosed '[' in coordinator ${showValue(raw)}`);
    const host = normaliseIPv6(raw.slice(1, close), raw);
    const rest = raw.slice(close + 1);
    if (rest === '') return { host, port: undefined };
    if (!rest.startsWith(':')) throw invalid(`unexpected ${showValue(rest)} after ']' in coordinator ${showValue(raw)}`);
    return { host, port: parsePort(rest.slice(1), raw) };
  }
  const colon = raw.indexOf(':');
  if (colon !== -1 && raw.indexOf(':', colon + 1) !== -1) {
    throw invalid(`coordinator ${showValue(raw)} looks like an IPv6 address: put it in brackets, e.g. [::1]:21050`);
  }
  if (colon === -1) return { host: normaliseHostName(raw), port: undefined };
  return { host: normaliseHostName(raw.slice(0, colon)), port: parsePort(raw.slice(colon + 1), raw) };
}

/** Formats an address back to `host[:port]`, bracketing IPv6 hosts. */
export function formatAddress(address: Address): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return address.port === undefined ? host : `${host}:${address.port}`;
}

/** Parses and re-formats one address: the canonical spelling (`H1:021050` → `h1:21050`). */
export function normaliseAddress(text: string): string {
  return formatAddress(parseAddress(text));
}

/**
 * Splits a comma-separated host list, keeping commas inside brackets (none are valid
 * there, but the error is clearer from {@link parseAddress}).
 */
export function splitHostList(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
