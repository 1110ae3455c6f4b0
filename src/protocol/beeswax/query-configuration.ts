import { ArgumentError } from '../../errors';

/**
 * Query options for one Beeswax statement as `Query.configuration`: one `key=value`
 * string per option, as impala-shell sends them. Impala splits each string at commas
 * and each pair at `=`, with no escaping (newer versions keep commas inside double
 * quotes, older ones do not), so a name or value containing `,`, `=` or `"` cannot be
 * sent faithfully: it is refused here rather than sent as a different option.
 * Per-statement options overlay the session's (those set with `SET`), like HS2's
 * `confOverlay`; Impala refuses unknown names with `Invalid query option: <name>`.
 *
 * @throws {@link ArgumentError} naming the option that cannot be sent.
 *
 * @internal
 */
export function toConfiguration(options: Readonly<Record<string, string>> | undefined, name = 'queryOptions'): string[] {
  if (options === undefined) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    for (const [what, text] of [
      ['name', key],
      ['value', value],
    ] as const) {
      if (/[,="\r\n]/.test(text)) {
        throw new ArgumentError(
          `${name}.${key}: the ${what} ${JSON.stringify(text)} cannot be sent over Beeswax, which passes options as plain key=value text ` +
            `(no ',', '=', '"' or line breaks); set it with a SET statement in a session, or use protocol 'hs2'`,
        );
      }
    }
    out.push(`${key}=${value}`);
  }
  return out;
}

/**
 * A `SET name='value'` statement, for session options applied when a Beeswax
 * connection opens (Beeswax has no session configuration of its own). The value is
 * quoted the way the session layer replays SET.
 */
export function setStatement(key: string, value: string): string {
  if (!/^[A-Za-z0-9_.]+$/.test(key)) throw new ArgumentError(`sessionQueryOptions: ${JSON.stringify(key)} is not a query option name (letters, digits, '_' and '.')`);
  return `SET ${key}='${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
