import { strict as assert } from 'node:assert';
import { ErrorCode, ImpalaError } from '../../../src/errors';
import { columnsFromSchema, typeName } from '../../../src/protocol/hs2/result-metadata';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { schemaOf, thriftRoundTrip } from '../../helpers/scripted-rowset';

describe('result metadata', () => {
  it('reads every Impala type with precision, scale and length', () => {
    const schema = thriftRoundTrip(
      schemaOf([
        { name: 'b', type: 'BOOLEAN' },
        { name: 't', type: 'TINYINT' },
        { name: 's', type: 'SMALLINT' },
        { name: 'i', type: 'INT' },
        { name: 'g', type: 'BIGINT' },
        { name: 'f', type: 'FLOAT' },
        { name: 'd', type: 'DOUBLE' },
        { name: 'dec', type: 'DECIMAL', precision: 38, scale: 9 },
        { name: 'str', type: 'STRING', comment: 'free text' },
        { name: 'vc', type: 'VARCHAR', length: 20 },
        { name: 'ch', type: 'CHAR', length: 3 },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'dt', type: 'DATE' },
        { name: 'bin', type: 'BINARY' },
        { name: 'n', type: 'NULL' },
      ]),
      T.TTableSchema,
    );
    const cols = columnsFromSchema(schema);
    assert.deepEqual(
      cols.map((c) => c.type),
      ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL', 'STRING', 'VARCHAR', 'CHAR', 'TIMESTAMP', 'DATE', 'BINARY', 'NULL'],
    );
    assert.deepEqual(cols[7], { name: 'dec', type: 'DECIMAL', position: 7, precision: 38, scale: 9 });
    assert.deepEqual(cols[8], { name: 'str', type: 'STRING', position: 8, comment: 'free text' });
    assert.deepEqual(cols[9], { name: 'vc', type: 'VARCHAR', position: 9, length: 20 });
    assert.deepEqual(cols[10], { name: 'ch', type: 'CHAR', position: 10, length: 3 });
    assert.deepEqual(cols[0], { name: 'b', type: 'BOOLEAN', position: 0 });
  });

  it('numbers positions from 0 by list order whatever base the server uses', () => {
    const impala = columnsFromSchema(schemaOf([{ name: 'a', type: 'INT' }, { name: 'b', type: 'INT' }], 0));
    const hive = columnsFromSchema(schemaOf([{ name: 'a', type: 'INT' }, { name: 'b', type: 'INT' }], 1));
    assert.deepEqual(impala, hive);
    assert.deepEqual(impala.map((c) => c.position), [0, 1]);
  });

  it('gives an empty list for a statement without a result set', () => {
    assert.deepEqual(columnsFromSchema(undefined), []);
  });

  it('names unknown type ids UNKNOWN rather than failing', () => {
    assert.equal(typeName(22), 'UNKNOWN');
  });

  it('rejects a column without a primitive type entry as a protocol error', () => {
    const schema = new T.TTableSchema({
      columns: [new T.TColumnDesc({ columnName: 'x', typeDesc: new T.TTypeDesc({ types: [new T.TTypeEntry({})] }), position: 0 })],
    });
    assert.throws(
      () => columnsFromSchema(schema),
      (e) => e instanceof ImpalaError && e.code === ErrorCode.PROTOCOL && /column 0 \("x"\)/.test(e.message),
    );
  });
});
