import { ConfigError, ErrorCode } from '../errors';
import { OPTION_SPECS } from './defaults';
import { normaliseOption, normaliseQueryOptionName, normaliseQueryOptionValue, type WarningSink } from './normalise-option';
import type { OptionName, ParsedOptions } from './options';
import { Secret } from './secret';

interface Entry {
  readonly value: unknown;
  /** How the user wrote it (`transportMode=http`), or just the name for secrets. */
  readonly shown: string;
}

function showRaw(raw: unknown): string {
  if (Array.isArray(raw)) return raw.map((x) => (typeof x === 'string' ? x : '?')).join(',');
  if (typeof raw === 'string') return raw;
  return typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '{...}';
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Secret || b instanceof Secret) return a instanceof Secret && a.equals(b instanceof Secret ? b : undefined);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/**
 * Gathers the options one source sets (one URL, or one options object), normalising
 * each value as it arrives and refusing a second, different value for the same option:
 * `transportMode=http` next to `protocol=beeswax` is a conflict, not "last one wins".
 */
export class OptionCollector implements WarningSink {
  readonly #entries = new Map<OptionName, Entry>();
  readonly #queryOptions = new Map<string, Entry>();
  readonly #warnings: string[] = [];

  /**
   * @param kind What a name is called in this source: `URL parameter`, `property`, `option`.
   * @param where Where, for messages: `in the jdbc:impala URL`, or '' for an options object.
   */
  constructor(
    readonly kind: string,
    readonly where: string,
  ) {}

  /** Records a warning (deduplicated). */
  warn(message: string): void {
    if (!this.#warnings.includes(message)) this.#warnings.push(message);
  }

  /** Warnings recorded so far. */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /** The text messages use for a name as written: `URL parameter 'ssl' (tls) in the impala:// URL`. */
  describe(label: string, name?: string): string {
    const canonical = name !== undefined && name.toLowerCase() !== label.toLowerCase() ? ` (${name})` : '';
    return `${this.kind} '${label}'${canonical}${this.where ? ` ${this.where}` : ''}`;
  }

  /** Whether the option was set by this source. */
  has(name: OptionName): boolean {
    return this.#entries.has(name);
  }

  /** The normalised value this source set, if any. */
  get(name: OptionName): unknown {
    return this.#entries.get(name)?.value;
  }

  /** How the option was written (`AuthMech=0`, `'PWD'`), for messages. */
  shownAs(name: OptionName): string | undefined {
    return this.#entries.get(name)?.shown;
  }

  /**
   * Normalises and records one value. `label` is the name as written and `raw` the value
   * (shown in messages unless the option is secret); `shown` overrides how a conflict
   * message quotes this setting (`'AuthMech=0'` for a value translated to `nosasl`).
   */
  set(name: OptionName, raw: unknown, label: string, shown?: string): void {
    const value = normaliseOption(name, raw, this.describe(label, name), this);
    if (value === undefined) return;
    const secret = OPTION_SPECS[name].type.type === 'secret';
    shown ??= secret ? `'${label}'` : `'${label}=${showRaw(raw)}'`;
    const previous = this.#entries.get(name);
    if (previous === undefined) {
      this.#entries.set(name, { value, shown });
      return;
    }
    if (!same(previous.value, value)) {
      throw new ConfigError(
        ErrorCode.CONFIG_CONFLICT,
        `${shown} conflicts with ${previous.shown}${this.where ? ` ${this.where}` : ''}: both set '${name}'; give it once`,
        name,
      );
    }
  }

  /** Records one session query option (name upper-cased; unknown names warn). */
  setQueryOption(key: string, raw: unknown, label: string): void {
    const source = this.describe(label);
    const name = normaliseQueryOptionName(key, source, this);
    const value = normaliseQueryOptionValue(name, raw, source);
    const previous = this.#queryOptions.get(name);
    const shown = `'${label}=${value}'`;
    if (previous === undefined) {
      this.#queryOptions.set(name, { value, shown });
    } else if (previous.value !== value) {
      throw new ConfigError(
        ErrorCode.CONFIG_CONFLICT,
        `${shown} conflicts with ${previous.shown}${this.where ? ` ${this.where}` : ''}: both set query option '${name}'`,
        'queryOptions',
      );
    }
  }

  /** The options this source set, frozen; `queryOptions` only when some were given. */
  result(): ParsedOptions {
    const out: Record<string, unknown> = {};
    for (const [name, entry] of this.#entries) out[name] = entry.value;
    if (this.#queryOptions.size > 0) {
      const merged: Record<string, string> = { ...((out.queryOptions as Record<string, string> | undefined) ?? {}) };
      for (const [name, entry] of this.#queryOptions) {
        const existing = merged[name];
        if (existing !== undefined && existing !== entry.value) {
          throw new ConfigError(ErrorCode.CONFIG_CONFLICT, `query option '${name}' is given twice with different values${this.where ? ` ${this.where}` : ''}`, 'queryOptions');
        }
        merged[name] = entry.value as string;
      }
      out.queryOptions = Object.freeze(merged);
    }
    return Object.freeze(out) as ParsedOptions;
  }
}
