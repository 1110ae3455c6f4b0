import { JDBC_HIVE2_PROPERTIES } from './jdbc-hive2-properties';
import { JDBC_IMPALA_PROPERTIES } from './jdbc-impala-properties';
import { locateUserinfo } from './parse-impala-url';
import { KNOWN_QUERY_OPTIONS } from './query-options';
import { isSecretName, QUERY_OPTION_PREFIX, URL_PARAMETER_NAMES } from './url-names';

const MASK = '***';

function redactUserinfo(rest: string): string {
  const bounds = locateUserinfo(rest);
  let at = bounds.at;
  // A password with an unencoded '/', '?' or '#' cut the authority short: mask up to the
  // last '@' instead, which may hide more than the password but never less.
  if (at === -1 && bounds.mangled) at = rest.lastIndexOf('@');
  if (at === -1) return rest;
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon === -1) return bounds.mangled ? `${MASK}${rest.slice(at)}` : rest;
  return `${userinfo.slice(0, colon + 1)}${MASK}${rest.slice(at)}`;
}

// Names that can follow a password legitimately; anything else right after one may be
// the rest of a password cut at a ';', '?', '&' or '#', and is masked too.
const KNOWN_NAMES: ReadonlySet<string> = new Set(
  [...JDBC_IMPALA_PROPERTIES, ...JDBC_HIVE2_PROPERTIES].map((p) => p.name).concat(URL_PARAMETER_NAMES, [...KNOWN_QUERY_OPTIONS]).map((n) => n.toLowerCase()),
);

function isKnownName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return KNOWN_NAMES.has(lower) || lower.startsWith(QUERY_OPTION_PREFIX.toLowerCase()) || lower.startsWith('http.header.') || lower.startsWith('http.cookie.');
}

/**
 * Masks every secret in a value list: `name=value` pairs whose name is a credential
 * (`PWD`, `password`, `trustStorePassword`, `delegationToken`...), braced values that
 * span `;`, and any piece right after a secret that is not a known name (a password cut
 * at a delimiter).
 */
function redactPairs(text: string): string {
  const pieces = text.split(/([;?&#])/);
  let afterSecret = false;
  let inBraces = false;
  for (let i = 0; i < pieces.length; i += 2) {
    const piece = pieces[i]!;
    if (inBraces) {
      const close = piece.indexOf('}');
      pieces[i - 1] = '';
      pieces[i] = close === -1 ? '' : piece.slice(close);
      inBraces = close === -1;
      continue;
    }
    const eq = piece.indexOf('=');
    const name = eq > 0 ? piece.slice(0, eq) : '';
    if (eq > 0 && isSecretName(name.trim())) {
      const value = piece.slice(eq + 1);
      const open = value.trimStart().startsWith('{');
      const close = value.indexOf('}');
      inBraces = open && close === -1;
      pieces[i] = `${name}=${open ? `{${MASK}${close === -1 ? '' : value.slice(close)}` : MASK}`;
      afterSecret = true;
    } else if (afterSecret && piece.trim() !== '' && (eq <= 0 || !isKnownName(name))) {
      pieces[i] = MASK;
    } else {
      afterSecret = false;
    }
  }
  return pieces.join('');
}

/**
 * The connection string with every password replaced by `***`, for logs and messages.
 * Works on all accepted forms and on malformed strings too (it never throws); when it
 * cannot tell where a password ends it masks more rather than less.
 *
 * @example redactConnectionString('impala://alice:s3cret@h1/db') // 'impala://alice:***@h1/db'
 */
export function redactConnectionString(connectionString: string): string {
  const text = String(connectionString);
  // Any scheme may carry user:password@ by mistake (jdbc forms do not use it), and so may
  // a scheme-less string; mask it wherever it appears.
  const scheme = /^[^/]*?:\/\//.exec(text);
  const prefix = scheme ? scheme[0] : '';
  return redactPairs(`${prefix}${redactUserinfo(text.slice(prefix.length))}`);
}
