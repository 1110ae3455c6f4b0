export { bindParams } from './bind-params';
export { BinaryParam, asBinary, quoteString, toSqlLiteral } from './sql-literal';
