export { Secret } from './secret';
export type {
  AuthMechanism,
  BalancePolicy,
  BigintMode,
  ClientOptions,
  DateValueMode,
  DdlMode,
  Duration,
  KerberosCanonicalization,
  OptionName,
  ParsedOptions,
  Protocol,
  ResolvedOptions,
  RowMode,
  StringMode,
} from './options';
export { DEFAULTS, DEFAULT_PORTS, OPTION_NAMES, OPTION_SPECS, renderOptionsTable } from './defaults';
export type { OptionSpec, OptionType, OptionGroup, TextCheck } from './option-spec';
export { parseConnectionString, ACCEPTED_FORMS } from './parse';
export type { ParsedConnectionString, ConnectionStringForm } from './parsed-connection-string';
export { resolveOptions, ENV_URL } from './resolve';
export { formatConnectionString, type FormatOptions } from './format';
export { redactConnectionString } from './redact';
export { parseAddress, formatAddress, type Address } from './address';
export { parseDuration, MAX_TIMER_MS } from './coerce';
export { KNOWN_QUERY_OPTIONS, REMOVED_QUERY_OPTIONS } from './query-options';
export { JDBC_IMPALA_PROPERTIES, renderJdbcImpalaTable } from './jdbc-impala-properties';
export { JDBC_HIVE2_PROPERTIES, renderJdbcHive2Table } from './jdbc-hive2-properties';
export type { JdbcProperty } from './jdbc-property';
