import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { ClientOptions } from '../connection-string/options';
import { splitStatements } from './split-statements';
import { usage, UsageError } from './usage-error';

/** Help text of `impala-ha query`. */
export const QUERY_USAGE = `Usage: impala-ha query [options] (-q SQL | -f FILE)

Runs SQL through the impala-ha client, like impala-shell -q / -f. Statements are
separated by ';'. A script with SET or USE runs on one pinned session; otherwise each
statement goes through the pool (reads are streamed, retried before the first row).

Connection (the first given wins: --url, -i, IMPALA_URL, localhost:21050):
  --url <url>                 connection string: impala://, impalas://, jdbc:impala://,
                              jdbc:hive2:// or host:port,host:port (put passwords in
                              IMPALA_URL rather than on the command line)
  -i, --impalad <host:port>   coordinator(s), comma-separated
  -d, --database <db>         initial database
  -u, --user <name>           user name
  --ssl                       use TLS
  --ca_cert <file>            PEM file of trusted CA certificates (with --ssl)

Statements:
  -q, --query <sql>           statements to run
  -f, --query_file <file>     file of statements ('-' reads stdin)
  -Q, --query_option <K=V>    query option for every statement (repeatable)
  -c, --ignore_query_failure  run the remaining statements after one fails

Output (results on stdout, everything else on stderr):
  -B, --delimited             delimited rows instead of a table, no header
  --output_delimiter <text>   delimiter for -B (default: tab)
  --print_header              print the column names with -B
  --quiet                     no 'Fetched N row(s)' lines
  -h, --help                  show this help

While a statement runs longer than a second and stderr is a terminal, an elapsed-time
ticker shows on stderr. Errors print as one line: 'ERROR: <code>: <message>'.

Exit status: 0 every statement succeeded; 1 a statement failed; 2 usage error;
3 no coordinator could be reached.`;

/** What a `query` command line asks for. */
export interface QueryPlan {
  client: ClientOptions;
  statements: string[];
  queryOptions: Record<string, string>;
  delimited: boolean;
  delimiter: string;
  printHeader: boolean;
  quiet: boolean;
  continueOnError: boolean;
}

/** Parses `query` arguments; `'help'` when help was asked for. `readStdin` is only called for `-f -`. */
export function parseQueryArgs(args: string[], readStdin: () => string): QueryPlan | 'help' {
  const { values: v } = usage(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        impalad: { type: 'string', short: 'i' },
        database: { type: 'string', short: 'd' },
        user: { type: 'string', short: 'u' },
        ssl: { type: 'boolean' },
        ca_cert: { type: 'string' },
        query: { type: 'string', short: 'q' },
        query_file: { type: 'string', short: 'f' },
        query_option: { type: 'string', short: 'Q', multiple: true },
        ignore_query_failure: { type: 'boolean', short: 'c' },
        delimited: { type: 'boolean', short: 'B' },
        output_delimiter: { type: 'string' },
        print_header: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (v.help === true) return 'help';
  if (v.url !== undefined && v.impalad !== undefined) throw new UsageError('give either --url or -i/--impalad, not both');
  if ((v.query === undefined) === (v.query_file === undefined)) throw new UsageError('give exactly one of -q/--query and -f/--query_file');
  if (v.ca_cert !== undefined && v.ssl !== true && v.url === undefined) throw new UsageError('--ca_cert needs --ssl');

  const client: ClientOptions = {};
  if (v.url !== undefined) client.url = v.url;
  if (v.impalad !== undefined) client.coordinators = v.impalad;
  if (v.database !== undefined) client.database = v.database;
  if (v.user !== undefined) client.user = v.user;
  if (v.ssl === true) client.tls = true;
  if (v.ca_cert !== undefined) client.tlsCa = v.ca_cert;

  const script = v.query ?? readScript(v.query_file!, readStdin);
  const statements = splitStatements(script);
  if (statements.length === 0) throw new UsageError(`no statement to run in ${v.query !== undefined ? '-q' : `'${v.query_file}'`}`);

  const queryOptions: Record<string, string> = {};
  for (const entry of v.query_option ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--query_option takes NAME=VALUE (e.g. MEM_LIMIT=2g), got '${entry}'`);
    queryOptions[entry.slice(0, eq).trim().toUpperCase()] = entry.slice(eq + 1).trim();
  }
  if (v.output_delimiter !== undefined && v.output_delimiter === '') throw new UsageError('--output_delimiter must not be empty');
  return {
    client,
    statements,
    queryOptions,
    delimited: v.delimited === true,
    delimiter: unescapeDelimiter(v.output_delimiter ?? '\t'),
    printHeader: v.print_header === true,
    quiet: v.quiet === true,
    continueOnError: v.ignore_query_failure === true,
  };
}

function readScript(file: string, readStdin: () => string): string {
  if (file === '-') return readStdin();
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --query_file '${file}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `\t` typed in a shell arrives as two characters; impala-shell reads it as a tab. */
function unescapeDelimiter(text: string): string {
  return text.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}
