/**
 * A small re-implementation of Impala's lexer (fe/src/main/jflex/sql-scanner.flex)
 * and of the unescaping Impala applies to string literals (StringLiteral
 * getNormalizedValue + Hive's unescapeSQLString), written independently of the code
 * under test so property tests can check what Impala would see.
 *
 * JFlex semantics: at each position the longest match wins; on a tie the rule listed
 * first wins.
 */

export type TokenKind =
  | 'STRING'
  | 'QIDENT'
  | 'IDENT'
  | 'INTEGER'
  | 'DECIMAL'
  | 'OP'
  | 'HINT_START'
  | 'HINT_END'
  | 'UNMATCHED'
  | 'UNEXPECTED'
  | 'EOL_HINT_END';

export interface Token {
  kind: TokenKind;
  text: string;
}

type Rule = { kind: TokenKind | 'SKIP'; match: (s: string, i: number) => number };

const NOT_BREAK = '[^\\n\\r\\u000B\\u000C\\u0085\\u2028\\u2029]';

function re(source: string, flags = ''): (s: string, i: number) => number {
  const r = new RegExp(source, `y${flags}`);
  return (s, i) => {
    r.lastIndex = i;
    const m = r.exec(s);
    return m ? m[0].length : -1;
  };
}

const HINT_CONTENT = /^ *\+[^\r\n]*$/;

function traditionalComment(s: string, i: number): number {
  if (!s.startsWith('/*', i)) return -1;
  const end = s.indexOf('*/', i + 2);
  if (end < 0) return -1;
  const body = s.slice(i + 2, end);
  return HINT_CONTENT.test(body) ? -1 : end + 2 - i;
}

function endOfLineComment(s: string, i: number): number {
  if (!s.startsWith('--', i)) return -1;
  let j = i + 2;
  while (j < s.length && s[j] !== '\n' && s[j] !== '\r') j++;
  let body = s.slice(i + 2, j);
  // The longest body that is not hint content (`' '* '+' ...`).
  while (HINT_CONTENT.test(body)) body = body.slice(0, body.indexOf('+'));
  let len = 2 + body.length;
  if (body.length === j - i - 2) {
    if (s.startsWith('\r\n', j)) len += 2;
    else if (s[j] === '\n' || s[j] === '\r') len += 1;
  }
  return len;
}

const RULES: Rule[] = [
  { kind: 'OP', match: re('\\.\\.\\.') },
  { kind: 'OP', match: re('[:;,.*()\\[\\]/%+\\-&|^~=!<>]') },
  { kind: 'UNMATCHED', match: re('["\'`]') },
  { kind: 'OP', match: re('!=') },
  { kind: 'INTEGER', match: re('[0-9]+') },
  { kind: 'DECIMAL', match: re('(?:[0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?') },
  { kind: 'QIDENT', match: re(`\`(?:\\\\${NOT_BREAK}|[^\\\\\`])*\``, 'u') },
  { kind: 'IDENT', match: re('[0-9]*[\\p{L}_$][\\p{L}\\p{N}_$]*|&&|\\|\\|', 'u') },
  { kind: 'STRING', match: re(`'(?:\\\\${NOT_BREAK}|[^\\\\'])*'`, 'u') },
  { kind: 'STRING', match: re(`"(?:\\\\${NOT_BREAK}|[^\\\\"])*"`, 'u') },
  { kind: 'HINT_START', match: re('/\\* *\\+') },
  { kind: 'HINT_END', match: re('\\*/') },
  { kind: 'HINT_START', match: re('-- *\\+') },
  { kind: 'SKIP', match: traditionalComment },
  { kind: 'SKIP', match: endOfLineComment },
  { kind: 'SKIP', match: re('\\r\\n|\\r|\\n|[ \\t\\f]') },
  { kind: 'UNEXPECTED', match: re('[\\s\\S]', 'u') },
];

/** Splits `sql` into Impala tokens (comments and whitespace dropped). */
export function lexImpala(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let eolHint = false;
  while (i < sql.length) {
    // In the EOLHINT state a line terminator ends the hint.
    if (eolHint && (sql[i] === '\n' || sql[i] === '\r')) {
      const len = sql.startsWith('\r\n', i) ? 2 : 1;
      tokens.push({ kind: 'EOL_HINT_END', text: sql.slice(i, i + len) });
      i += len;
      eolHint = false;
      continue;
    }
    let best = -1;
    let rule: Rule | undefined;
    for (const r of RULES) {
      const len = r.match(sql, i);
      if (len > best) {
        best = len;
        rule = r;
      }
    }
    const text = sql.slice(i, i + best);
    if (rule!.kind !== 'SKIP') tokens.push({ kind: rule!.kind as TokenKind, text });
    if (rule!.kind === 'HINT_START' && text.startsWith('--')) eolHint = true;
    i += best;
  }
  return tokens;
}

/** The value Impala gives a STRING token (quotes included in `text`). */
export function impalaStringValue(text: string): string {
  return hiveUnescape(`'${normalize(text.slice(1, -1))}'`);
}

// StringLiteral.getNormalizedValue: `\"` loses its backslash, bare `'` gains one.
function normalize(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\' && i + 1 < v.length) {
      const next = v[i + 1]!;
      if (next === '"' || next === "'" || next === '\\') {
        if (next !== '"') out += c;
        out += next;
        i++;
        continue;
      }
      out += c;
    } else if (c === "'") {
      out += "\\'";
    } else {
      out += c;
    }
  }
  return out;
}

// Hive's unescapeSQLString (with its \uXXXX and \ooo forms).
function hiveUnescape(b: string): string {
  let enclosure: string | undefined;
  let sb = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (enclosure === undefined) {
      if (c === "'" || c === '"') enclosure = c;
      continue;
    }
    if (c === enclosure) {
      enclosure = undefined;
      continue;
    }
    if (c === '\\' && i + 6 < b.length && b[i + 1] === 'u') {
      sb += String.fromCharCode(parseInt(b.slice(i + 2, i + 6), 16));
      i += 5;
      continue;
    }
    if (c === '\\' && i + 4 < b.length) {
      const [i1, i2, i3] = [b[i + 1]!, b[i + 2]!, b[i + 3]!];
      if (i1 >= '0' && i1 <= '1' && i2 >= '0' && i2 <= '7' && i3 >= '0' && i3 <= '7') {
        sb += String.fromCharCode(Number(i3) + Number(i2) * 8 + Number(i1) * 64);
        i += 3;
        continue;
      }
    }
    if (c === '\\' && i + 2 < b.length) {
      const n = b[i + 1]!;
      const map: Record<string, string> = { '0': '\0', "'": "'", '"': '"', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\u001a', '\\': '\\', '%': '\\%', _: '\\_' };
      sb += map[n] ?? n;
      i++;
    } else {
      sb += c;
    }
  }
  return sb;
}
