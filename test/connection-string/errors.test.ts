import assert from 'node:assert/strict';
import { parseConnectionString } from '../../src/connection-string';
import { ErrorCode } from '../../src/errors';
import { expectConfigError } from './helpers';

const { CONFIG_INVALID_URL: URL, CONFIG_UNKNOWN_OPTION: UNKNOWN, CONFIG_INVALID_VALUE: VALUE, CONFIG_CONFLICT: CONFLICT, CONFIG_UNSUPPORTED: UNSUPPORTED } = ErrorCode;

interface Row {
  readonly url: string;
  readonly code: string;
  /** What the message must say: the culprit and what is accepted. */
  readonly message: RegExp;
  /** The `option` the error names, when it names one. */
  readonly option?: string;
}

const ROWS: readonly Row[] = [
  // Syntax
  { url: '', code: URL, message: /is empty; expected impala:\/\// },
  { url: '   ', code: URL, message: /is empty/ },
  { url: 'jdbc:mysql://h/db', code: URL, message: /unsupported connection string scheme 'jdbc:mysql:\/\/'.*accepted: impala:\/\// },
  { url: 'http://h:28000/cliservice', code: URL, message: /unsupported connection string scheme 'http:\/\/'/ },
  { url: 'impalas:h1', code: URL, message: /scheme 'impalas:'; did you mean 'impalas:\/\/'\?/ },
  { url: 'jdbc:impala:h1:21050', code: URL, message: /did you mean 'jdbc:impala:\/\/'\?/ },
  { url: 'h1:21050/db', code: URL, message: /not in a form impala-ha reads/ },
  { url: 'impala://h/db/extra', code: URL, message: /unexpected '\/' in the database part 'db\/extra'/ },
  { url: 'impala://h#frag', code: URL, message: /no '#fragment' part/ },
  { url: 'impala://h?tls', code: URL, message: /URL parameter 'tls' .* has no value; write name=value/ },
  { url: 'impala://h/db%zz', code: URL, message: /invalid percent-encoding in the database 'db%zz'/ },
  { url: 'jdbc:impala://h/;AuthMech', code: URL, message: /property 'AuthMech' has no '='/ },
  { url: 'jdbc:impala://h/db?AuthMech=3', code: URL, message: /properties follow ';'/ },
  { url: 'jdbc:impala:///db', code: URL, message: /no host in the jdbc:impala URL/ },
  { url: 'jdbc:impala://h/;PWD={abc', code: URL, message: /unclosed '\{' in the value of 'PWD'/ },
  { url: 'impala://alice:pa/ss@h1/db', code: URL, message: /cannot be split into user:password@hosts.*percent-encode '\/', '\?', '#'/ },
  { url: 'jdbc:impala://h/;AuthMech=3;UID=u;PWD=a;b', code: URL, message: /a property after 'PWD' has no '='.*PWD=\{\.\.\.\}/ },
  { url: 'jdbc:impala://h/;PWD=a;b=c', code: UNKNOWN, message: /unknown property after 'PWD' in the jdbc:impala URL/ },

  // Unknown names, with the closest valid one
  { url: 'impala://h/?balence=p2c', code: UNKNOWN, message: /unknown URL parameter 'balence' in the impala:\/\/ URL; did you mean 'balance'\?/, option: 'balence' },
  { url: 'impala://h/?conectTimeout=5s', code: UNKNOWN, message: /did you mean 'connectTimeout'\?/ },
  { url: 'impala://h/?MEM_LIMIT=1g', code: UNKNOWN, message: /'MEM_LIMIT' is an Impala query option: write queryOptions\.MEM_LIMIT=1g/ },
  { url: 'impala://h/?zzzzzzzzzzzzzzzz=1', code: UNKNOWN, message: /the closest valid name is '/ },
  { url: 'jdbc:impala://h/;AuthMeh=3', code: UNKNOWN, message: /unknown property 'AuthMeh' in the jdbc:impala URL; did you mean 'AuthMech'\?/ },
  { url: 'jdbc:impala://h/;MEM_LIMT=1g', code: UNKNOWN, message: /did you mean 'MEM_LIMIT'\?/ },
  { url: 'jdbc:hive2://h:21050/;MEM_LIMIT=1g', code: UNKNOWN, message: /'MEM_LIMIT' in the jdbc:hive2 URL is an Impala query option.*put it after '\?'/ },
  { url: 'jdbc:hive2://h:21050/;principle=impala/_HOST@R', code: UNKNOWN, message: /did you mean 'principal'\?/ },

  // Bad values: the option, the value, and what is accepted
  { url: 'impala://h:0', code: VALUE, message: /invalid port '0' .* expected a number from 1 to 65535/, option: 'coordinators' },
  { url: 'impala://h:65536', code: VALUE, message: /invalid port '65536'/ },
  { url: 'impala://h:abc', code: VALUE, message: /invalid port 'abc'/ },
  { url: 'impala://999.1.1.1', code: VALUE, message: /invalid IPv4 address '999.1.1.1'/ },
  { url: 'impala://::1', code: VALUE, message: /looks like an IPv6 address: put it in brackets/ },
  { url: 'impala://[::g]:21050', code: VALUE, message: /invalid IPv6 address '\[::g\]:21050'/ },
  { url: 'impala://[::1', code: VALUE, message: /unclosed '\['/ },
  { url: 'impala://bad_host!', code: VALUE, message: /invalid host 'bad_host!' .* use a DNS name/ },
  { url: 'h1,,h2', code: VALUE, message: /empty \(check for a doubled or trailing comma\)/ },
  { url: 'impala://h?connectTimeout=5%20seconds', code: VALUE, message: /invalid value '5 seconds' for URL parameter 'connectTimeout' \(connectTimeoutMs\).*'500ms', '30s', '2m', '1h'/, option: 'connectTimeoutMs' },
  { url: 'impala://h?connectTimeout=0', code: VALUE, message: /from 1 to 2147483647/ },
  { url: 'impala://h?rpcTimeout=25d', code: VALUE, message: /invalid value '25d'/ },
  { url: 'impala://h?queryTimeout=0.5ms', code: VALUE, message: /invalid value '0.5ms'/ },
  { url: 'impala://h?fetchSize=-1', code: VALUE, message: /invalid value '-1' for URL parameter 'fetchSize'.*whole number from 1 to 2147483647/ },
  { url: 'impala://h?fetchSize=1.5', code: VALUE, message: /whole number/ },
  { url: 'impala://h?fetchSize=0x10', code: VALUE, message: /invalid value '0x10'/ },
  { url: 'impala://h?retryBudgetRatio=1.5', code: VALUE, message: /a number from 0 to 1/ },
  { url: 'impala://h?balance=fastest', code: VALUE, message: /invalid value 'fastest' .* one of 'leastconn', 'p2c', 'roundrobin', 'random', 'affinity'/, option: 'balance' },
  { url: 'impala://h?tls=maybe', code: VALUE, message: /true or false/ },
  { url: 'impala://h/bad-db', code: VALUE, message: /database name of letters, digits and underscores/ },
  { url: 'impala://h?servername=not%20a%20host', code: VALUE, message: /tlsServername/ },
  { url: 'jdbc:impala://h/;AuthMech=x', code: VALUE, message: /expected 0 \(no authentication\), 1 \(Kerberos\), 2 \(user name\) or 3/ },
  { url: 'jdbc:impala://h/;SocketTimeout=1.5', code: VALUE, message: /'SocketTimeout' .* expected whole seconds/ },
  { url: 'jdbc:hive2://h:21050/;principal=impala', code: VALUE, message: /expected a server principal service\/host@REALM/ },
  { url: 'jdbc:hive2://h:21050/;auth=sometimes', code: VALUE, message: /expected noSasl/ },

  // Settings that contradict each other
  { url: 'impala://h/?protocol=beeswax&transportMode=http', code: CONFLICT, message: /'transportMode=http' conflicts with 'protocol=beeswax' .* both set 'protocol'/, option: 'protocol' },
  { url: 'impalas://h?tls=false', code: CONFLICT, message: /'tls=false' conflicts with 'impalas:\/\/'/ },
  { url: 'impala://h/x?database=y', code: CONFLICT, message: /'database=y' conflicts with '\/x'/ },
  { url: 'impala://h?queryOptions.MEM_LIMIT=1g&queryOptions.mem_limit=2g', code: CONFLICT, message: /both set query option 'MEM_LIMIT'/ },
  { url: 'jdbc:impala://h/;AuthMech=0;UID=u;PWD=p', code: CONFLICT, message: /'AuthMech=0' uses no authentication, but 'PWD' gives a password/, option: 'auth' },
  { url: 'jdbc:impala://h/;AuthMech=2;UID=u;PWD=p', code: CONFLICT, message: /'AuthMech=2' sends a user name only, but 'PWD' gives a password/ },
  { url: 'jdbc:impala://h/;AuthMech=1;UID=u;PWD=p', code: CONFLICT, message: /uses Kerberos, but 'PWD'/ },
  { url: 'jdbc:impala://h/;SSL=1;ssl=0', code: CONFLICT, message: /'ssl=0' conflicts with 'SSL=1'/ },
  { url: 'jdbc:hive2://h:21050/;auth=noSasl;user=u;password=p', code: CONFLICT, message: /'auth=noSasl' uses no authentication, but 'password' gives a password/ },
  { url: 'jdbc:hive2://h:21050/;auth=noSasl;principal=impala/_HOST@R', code: CONFLICT, message: /'principal=impala\/_HOST@R' conflicts with 'auth=noSasl'/ },

  // Recognised, but impala-ha does not have the feature
  { url: 'jdbc:impala://h/;AuthMech=12', code: UNSUPPORTED, message: /'AuthMech=12' .* not supported: impala-ha supports AuthMech 0 .* 3/, option: 'auth' },
  { url: 'jdbc:hive2://zk1:2181,zk2:2181/;serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=hiveserver2', code: UNSUPPORTED, message: /do not register in ZooKeeper/ },
  { url: 'jdbc:hive2://h:21050/;auth=browser', code: UNSUPPORTED, message: /'auth=browser' .* not supported/ },
  { url: 'impala+http://h/?httpHeaders.Content-Length=5', code: VALUE, message: /'Content-Length' is set by the channel itself/, option: 'httpHeaders' },
  { url: 'jdbc:hive2://h:21050/;initFile=/tmp/init.sql', code: UNSUPPORTED, message: /initFile/ },
  { url: 'jdbc:hive2:///default', code: UNSUPPORTED, message: /embedded mode/ },
];

describe('connection strings: errors explain what was wrong and what is accepted', () => {
  for (const row of ROWS) {
    it(`${row.code.replace('IMPALA_ERR_CONFIG_', '')}: ${JSON.stringify(row.url)}`, () => {
      const err = expectConfigError(() => parseConnectionString(row.url), row.code, row.message);
      if (row.option !== undefined) assert.equal(err.option, row.option);
      assert.equal(err.retryable, false);
    });
  }

  it('refuses a value that is not a string', () => {
    expectConfigError(() => parseConnectionString(42 as unknown as string), ErrorCode.CONFIG_INVALID_URL, /must be a string, got 42/);
  });
});
