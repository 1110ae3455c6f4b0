/**
 * How one option's values are read and checked. Ranges are inclusive; durations are
 * whole milliseconds and never exceed what Node timers can hold.
 */
export type OptionType =
  | { readonly type: 'duration'; readonly min: number; readonly max: number; readonly zero?: string }
  | { readonly type: 'integer'; readonly min: number; readonly max: number }
  | { readonly type: 'decimal'; readonly min: number; readonly max: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly aliases?: Readonly<Record<string, string>> }
  | { readonly type: 'text'; readonly check: TextCheck }
  | { readonly type: 'secret' }
  /** A secret string, or (options objects only) a function that supplies one. */
  | { readonly type: 'token' }
  /** HTTP header name → value; values are never shown. */
  | { readonly type: 'headers' }
  | { readonly type: 'hosts' }
  | { readonly type: 'queryOptions' };

/** Which rule a text option's value must follow. */
export type TextCheck = 'database' | 'httpPath' | 'user' | 'serviceName' | 'kerberosHost' | 'realm' | 'path' | 'pem' | 'hostName' | 'label';

/** Category of an option (what part of the client reads it). */
export type OptionGroup = 'connection' | 'authentication' | 'tls' | 'timeouts' | 'pool' | 'health' | 'retry' | 'results';

/** Everything known about one option: how to read it, what it means, how URLs may spell it. */
export interface OptionSpec {
  readonly group: OptionGroup;
  readonly type: OptionType;
  /** Unit shown in the docs: `ms`, `rows`, `count`, `ratio`, `per second`, or '' for none. */
  readonly unit: string;
  /** One sentence for the docs and TSDoc. */
  readonly description: string;
  /** Shown instead of the DEFAULTS value when the default depends on other options. */
  readonly defaultNote?: string;
  /** Other names accepted as `impala://` parameters and JDBC properties (case-insensitive). */
  readonly aliases: readonly string[];
  /** Whether the option may appear as an `impala://` query parameter (coordinators are the host list). */
  readonly inUrl: boolean;
}
