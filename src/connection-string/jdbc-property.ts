import { ConfigError, ErrorCode } from '../errors';
import { parseInteger, showValue } from './coerce';
import type { OptionCollector } from './option-collector';
import type { OptionName } from './options';

/** What reading one JDBC property needs: where options go, and the property as written. */
export interface JdbcPropertyContext {
  readonly collector: OptionCollector;
  /** The property name as the user wrote it (case preserved). */
  readonly label: string;
}

/** How impala-ha treats one property of a JDBC driver. */
export interface JdbcProperty {
  /** Name as the driver documents it (matched case-insensitively). */
  readonly name: string;
  /** `maps`: becomes one of our options; `ignored`: warning; `unsupported`: CONFIG_UNSUPPORTED. */
  readonly handling: 'maps' | 'ignored' | 'unsupported';
  /** For the docs: what it becomes, or why it is ignored / refused. */
  readonly effect: string;
  /** Its value is a credential: never shown, masked by redaction. */
  readonly secret?: boolean;
  readonly apply: (value: string, ctx: JdbcPropertyContext) => void;
}

/** A property that sets one of our options directly (values read by the option's rules). */
export function mapsTo(name: string, option: OptionName, effect = `\`${option}\``): JdbcProperty {
  return { name, handling: 'maps', effect, apply: (v, ctx) => ctx.collector.set(option, v, ctx.label) };
}

/** A property accepted and ignored with a warning that says why. */
export function ignored(name: string, why: string, secret = false): JdbcProperty {
  return {
    name,
    handling: 'ignored',
    effect: `ignored (warning): ${why}`,
    secret,
    apply: (_v, ctx) => ctx.collector.warn(`property '${ctx.label}' ${ctx.collector.where} is ignored: ${why}`),
  };
}

/** A property whose feature impala-ha does not have: refused, since ignoring it would change behaviour. */
export function unsupported(name: string, why: string, secret = false): JdbcProperty {
  return {
    name,
    handling: 'unsupported',
    effect: `error CONFIG_UNSUPPORTED: ${why}`,
    secret,
    apply: (_v, ctx) => {
      throw new ConfigError(ErrorCode.CONFIG_UNSUPPORTED, `property '${ctx.label}' ${ctx.collector.where} is not supported: ${why}`, ctx.label);
    },
  };
}

/** A timeout property given in whole seconds (JDBC SocketTimeout, Hive socketTimeout), stored in ms. */
export function secondsTo(name: string, option: OptionName): JdbcProperty {
  return {
    name,
    handling: 'maps',
    effect: `\`${option}\` (seconds × 1000); 0 (no timeout) is ignored with a warning`,
    apply: (v, ctx) => {
      const seconds = parseInteger(v);
      if (seconds === undefined) {
        throw new ConfigError(
          ErrorCode.CONFIG_INVALID_VALUE,
          `invalid value ${showValue(v)} for property '${ctx.label}' ${ctx.collector.where}: expected whole seconds`,
          option,
        );
      }
      if (seconds === 0) {
        ctx.collector.warn(`'${ctx.label}=0' ${ctx.collector.where} means "no timeout", which impala-ha does not allow: every RPC stays bounded by ${option}`);
        return;
      }
      ctx.collector.set(option, seconds * 1000, ctx.label, `'${ctx.label}=${v}'`);
    },
  };
}

/** Renders a driver's property table as Markdown (for docs/configuration.md). */
export function renderPropertyTable(properties: readonly JdbcProperty[], extraRows: readonly string[] = []): string {
  const rows = properties.map((p) => `| \`${p.name}\` | ${p.effect} |`);
  return ['| Property | impala-ha |', '|---|---|', ...rows, ...extraRows].join('\n');
}

/** Index of a property list by lower-case name. */
export function indexProperties(properties: readonly JdbcProperty[]): ReadonlyMap<string, JdbcProperty> {
  return new Map(properties.map((p) => [p.name.toLowerCase(), p]));
}
