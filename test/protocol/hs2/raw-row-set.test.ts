import { strict as assert } from 'node:assert';
import { TBinaryProtocol, TBufferedTransport } from 'thrift';
import { ErrorCode, ImpalaError } from '../../../src/errors';
import { Member, RawRowSet, readRawRowSet } from '../../../src/protocol/hs2/raw-row-set';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { encodeRows, type ColumnSpec } from '../../helpers/scripted-rowset';

/** TRowSet bytes as the generated writer produces them. */
function rowSetBytes(rowSet: T.TRowSet): Buffer {
  let bytes: Buffer | undefined;
  const p = new TBinaryProtocol(new TBufferedTransport(undefined, (b?: Buffer) => (bytes = b)));
  (rowSet as unknown as { write(p: TBinaryProtocol): void }).write(p);
  p.flush();
  return bytes!;
}

const specs: ColumnSpec[] = [
  { name: 'g', type: 'BIGINT' },
  { name: 's', type: 'STRING' },
  { name: 'b', type: 'BOOLEAN' },
];
const sample = rowSetBytes(encodeRows(specs, [[1n, 'one', true], [null, 'twö', null], [-(2n ** 63n), null, false]], 7));

function malformed(pattern: RegExp) {
  return (e: unknown): boolean => e instanceof ImpalaError && e.code === ErrorCode.PROTOCOL && pattern.test(e.message);
}

/** Byte offset of the first occurrence of `needle` in `hay` at or after `from`. */
function offsetOf(hay: Buffer, needle: number[], from = 0): number {
  const i = hay.indexOf(Buffer.from(needle), from);
  assert.ok(i >= 0, `bytes ${needle} not found`);
  return i;
}

describe('readRawRowSet', () => {
  it('indexes each column member, its count and its bitmap, and copies the bytes', () => {
    const message = Buffer.concat([Buffer.from([9, 9]), sample, Buffer.from([0])]);
    const { rowSet, end } = readRawRowSet(message, 2, message.length);
    assert.equal(end, 2 + sample.length);
    assert.ok(rowSet instanceof RawRowSet);
    message.fill(0xee);
    assert.ok(rowSet.bytes.equals(sample), 'the row set keeps its own copy of the bytes');
    assert.equal(rowSet.startRowOffset, 7n);
    assert.equal(rowSet.rowCount, 3);
    assert.deepEqual(
      rowSet.columns!.map((c) => c.flatMap((v, m) => (v ? [{ m, count: v.count, nulls: [...rowSet.bytes.subarray(v.nullsStart, v.nullsStart + v.nullsLength)] }] : []))),
      [
        [{ m: Member.I64, count: 3, nulls: [0b010] }],
        [{ m: Member.STRING, count: 3, nulls: [0b100] }],
        [{ m: Member.BOOL, count: 3, nulls: [0b010] }],
      ],
    );
  });

  it('reports a message cut anywhere inside the row set as a protocol error, never reading past it', () => {
    for (let cut = 0; cut < sample.length; cut++) {
      assert.throws(() => readRawRowSet(sample, 0, cut), malformed(/malformed FetchResults reply/), `cut at ${cut}`);
    }
  });

  it('rejects a negative value length', () => {
    const bytes = Buffer.from(sample);
    // The first string value ('one', length 3) follows the STRING list header of the stringVal column.
    const at = offsetOf(bytes, [0, 0, 0, 3, 0x6f, 0x6e, 0x65]);
    bytes.writeInt32BE(-5, at);
    assert.throws(() => readRawRowSet(bytes, 0, bytes.length), malformed(/value 0 of column 1 has a negative length \(-5\)/));
  });

  it('rejects a value list whose element type does not fit the member', () => {
    const bytes = Buffer.from(sample);
    // i64Val's values list header: LIST field 1, element type I64 (10), 3 elements.
    const at = offsetOf(bytes, [15, 0, 1, 10, 0, 0, 0, 3]);
    bytes[at + 3] = 8; // I32
    assert.throws(() => readRawRowSet(bytes, 0, bytes.length), malformed(/column 0 \(i64Val\) holds list elements of Thrift type 8, expected 10/));
  });

  it('rejects a columns list that does not hold structs', () => {
    const bytes = Buffer.from([15, 0, 3, 8, 0, 0, 0, 1, 0, 0, 0, 1, 0]);
    assert.throws(() => readRawRowSet(bytes, 0, bytes.length), malformed(/columns list holds Thrift type 8/));
  });

  it('skips unknown fields of any shape but rejects unknown type ids and runaway nesting', () => {
    // field 9: list<string> ['ab'], then field 10: map<i32,struct{}> {1: {}}, then the sample's fields.
    const extra = Buffer.from([15, 0, 9, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0x61, 0x62, 13, 0, 10, 8, 12, 0, 0, 0, 1, 0, 0, 0, 1, 0]);
    const ok = Buffer.concat([extra, sample]);
    assert.equal(readRawRowSet(ok, 0, ok.length).rowSet.rowCount, 3);

    const badType = Buffer.concat([Buffer.from([1, 0, 9]), sample]);
    assert.throws(() => readRawRowSet(badType, 0, badType.length), malformed(/unknown Thrift type id 1/));

    const depth = 70;
    const nested = Buffer.concat([...Array.from({ length: depth }, () => Buffer.from([12, 0, 1])), Buffer.alloc(depth + 1)]);
    assert.throws(() => readRawRowSet(nested, 0, nested.length), malformed(/nest deeper than 64 levels/));
  });
});
