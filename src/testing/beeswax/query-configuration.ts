/**
 * `Query.configuration` as Impala reads it (`ParseQueryOptions`, protocol reference
 * §3.4): every string is split at commas outside double quotes into `key=value`
 * pairs; a pair without exactly one `=` is `Invalid configuration option '<kv>'.`, an
 * unknown name `Invalid query option: <key>`; any error is reported under
 * `Errors parsing query options`.
 *
 * @returns the options, names upper case, or the error text.
 * @internal
 */
export function parseConfiguration(
  configuration: readonly string[] | null | undefined,
  known: Readonly<Record<string, string>>,
): { options: Record<string, string> } | { error: string } {
  const options: Record<string, string> = {};
  const errors: string[] = [];
  for (const text of configuration ?? []) {
    for (const pair of splitPairs(text ?? '')) {
      const kv = pair.trim();
      if (kv === '') continue;
      const parts = kv.split('=').filter((p) => p !== '');
      if (parts.length !== 2) {
        errors.push(`Invalid configuration option '${kv}'.`);
        continue;
      }
      const name = parts[0]!.trim().toUpperCase();
      if (!Object.hasOwn(known, name)) {
        errors.push(`Invalid query option: ${parts[0]!.trim()}`);
        continue;
      }
      options[name] = parts[1]!.trim();
    }
  }
  if (errors.length > 0) return { error: `Errors parsing query options\n${errors.join('\n')}\n` };
  return { options };
}

function splitPairs(text: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === ',' && !quoted) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}
