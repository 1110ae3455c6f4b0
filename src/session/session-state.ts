/**
 * The state of an HS2 session that statements change — current database and query
 * options set with SET — tracked on the client so a session that must be reopened
 * (its coordinator died, or restarted) can be put back as it was.
 */
export class SessionState {
  #database: string;
  readonly #options = new Map<string, string>();

  constructor(database: string, options: Readonly<Record<string, string>> = {}) {
    this.#database = database;
    for (const [k, v] of Object.entries(options)) this.#options.set(k.toUpperCase(), v);
  }

  /** Current database. */
  get database(): string {
    return this.#database;
  }

  /** Query options set on the session, upper-case names. */
  get options(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.#options);
  }

  /**
   * Records the effect of a statement that succeeded. Understands `USE db`,
   * `SET name=value` (quotes around the value allowed), `SET name=''`/`UNSET name`
   * (back to the default); other statements change nothing.
   *
   * @returns whether the state changed.
   */
  apply(sql: string): boolean {
    const s = stripComments(sql).trim().replace(/;\s*$/, '');
    let m = /^use\s+`?([A-Za-z0-9_]+)`?$/i.exec(s);
    if (m) {
      this.#database = m[1]!.toLowerCase();
      return true;
    }
    m = /^unset\s+([A-Za-z0-9_.]+)$/i.exec(s);
    if (m) return this.#options.delete(m[1]!.toUpperCase());
    m = /^set\s+([A-Za-z0-9_.]+)\s*=\s*(.*)$/is.exec(s);
    if (m) {
      const name = m[1]!.toUpperCase();
      const value = unquote(m[2]!.trim());
      if (value === '') return this.#options.delete(name);
      this.#options.set(name, value);
      return true;
    }
    return false;
  }

  /** The statements that recreate this state on a fresh session. */
  replayStatements(defaultDatabase: string): string[] {
    const out: string[] = [];
    if (this.#database !== defaultDatabase) out.push(`USE \`${this.#database}\``);
    for (const [k, v] of this.#options) out.push(`SET ${k}='${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
    return out;
  }
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === "'" || v[0] === '"') && v.at(-1) === v[0]) {
    return v.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return v;
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*(\n|$)/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}
