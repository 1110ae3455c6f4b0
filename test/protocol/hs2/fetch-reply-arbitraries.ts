/**
 * fast-check arbitraries for FetchResults replies: random column kinds with values
 * at their extremes (i64 edges, NaN/±Infinity/-0, text that is not UTF-8, longer
 * and shorter than the decoder's short-text path), NULL patterns (including rows
 * 7/8/15/16/63/64, all and none) with exact, short, padded or noisy bitmaps, and
 * unknown fields and field orders the generated writer never produces.
 */
import fc from 'fast-check';
import type { ColumnType } from '../../../src/protocol/hs2/result-metadata';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { nullsBitmap } from '../../helpers/scripted-rowset';
import { EXTRA_KINDS, type ExtraField, type MemberName, type WireColumn } from './fetch-reply-writer';

export const pad = (n: number, w: number): string => String(n).padStart(w, '0');
export const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

const textBytes = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).map(utf8),
  fc.string({ unit: 'grapheme', maxLength: 16 }).map(utf8),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), // not UTF-8 in general
);
const anyDate = (max: string): fc.Arbitrary<Date> => fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date(max), noInvalidDate: true });
const timestampText = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.tuple(anyDate('9999-12-31T23:59:59Z'), fc.option(fc.integer({ min: 0, max: 999_999_999 }))).map(([d, ns]) => {
      const day = d.toISOString().slice(0, 10);
      const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
      return utf8(ns === null ? `${day} ${time}` : `${day} ${time}.${pad(ns, 9)}`);
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('2023-02-30 00:00:00', '', 'not a timestamp').map(utf8) },
);
const dateText = fc.oneof(
  { weight: 8, arbitrary: anyDate('9999-12-31T00:00:00Z').map((d) => utf8(d.toISOString().slice(0, 10))) },
  { weight: 1, arbitrary: fc.constantFrom('2023-13-01', '').map(utf8) },
);
const decimalText = fc.tuple(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.integer({ min: 0, max: 6 })).map(([v, scale]) => {
  const digits = (v < 0n ? -v : v).toString().padStart(scale + 1, '0');
  return utf8(`${v < 0n ? '-' : ''}${scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`}`);
});
const I64_EDGES = [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n, 2n ** 53n - 1n, -(2n ** 53n), -(2n ** 53n) + 1n, 2n ** 53n + 1n, 2n ** 32n, -(2n ** 32n), 0n, -1n, 1n];
const int64 = fc.oneof(fc.constantFrom(...I64_EDGES), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }));
const double = fc.oneof(fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 5e-324, -Number.MAX_VALUE, 1.100000023841858), fc.double());

/** A column type, the member that carries it, and its values. */
export interface Kind {
  type: ColumnType;
  member: MemberName;
  value: fc.Arbitrary<unknown>;
}
export const KINDS: Kind[] = [
  { type: 'BOOLEAN', member: 'boolVal', value: fc.boolean() },
  { type: 'TINYINT', member: 'byteVal', value: fc.integer({ min: -128, max: 127 }) },
  { type: 'SMALLINT', member: 'i16Val', value: fc.integer({ min: -32768, max: 32767 }) },
  { type: 'INT', member: 'i32Val', value: fc.oneof(fc.constantFrom(-(2 ** 31), 2 ** 31 - 1), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })) },
  { type: 'BIGINT', member: 'i64Val', value: int64 },
  { type: 'FLOAT', member: 'doubleVal', value: double },
  { type: 'DOUBLE', member: 'doubleVal', value: double },
  { type: 'STRING', member: 'stringVal', value: textBytes },
  { type: 'VARCHAR', member: 'stringVal', value: textBytes },
  { type: 'CHAR', member: 'stringVal', value: textBytes },
  { type: 'DECIMAL', member: 'stringVal', value: decimalText },
  { type: 'TIMESTAMP', member: 'stringVal', value: timestampText },
  { type: 'DATE', member: 'stringVal', value: dateText },
  { type: 'BINARY', member: 'binaryVal', value: textBytes },
  { type: 'NULL', member: 'boolVal', value: fc.boolean() },
  { type: 'NULL', member: 'stringVal', value: textBytes },
  // Other servers: text in binaryVal, bytes in stringVal.
  { type: 'STRING', member: 'binaryVal', value: textBytes },
  { type: 'TIMESTAMP', member: 'binaryVal', value: timestampText },
  { type: 'BINARY', member: 'stringVal', value: textBytes },
];

/** Rows where NULL bits cross byte boundaries. */
export const BOUNDARY_NULLS = new Set([0, 7, 8, 15, 16, 63, 64]);

/** NULL flags for n rows, then the bitmap as sent: exact, short, padded, or with noise past the last row. */
const nullsFor = (n: number): fc.Arbitrary<{ isNull: boolean[]; nulls: Buffer }> =>
  fc
    .tuple(
      fc.oneof(
        fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        fc.array(fc.nat({ max: 99 }).map((x) => x < 6), { minLength: n, maxLength: n }), // about 6% NULLs
        fc.constant(Array.from({ length: n }, (_, i) => BOUNDARY_NULLS.has(i))),
        fc.constant(Array.from({ length: n }, () => true)),
        fc.constant(Array.from({ length: n }, () => false)),
      ),
      fc.constantFrom('exact', 'exact', 'short', 'padded', 'noise'),
    )
    .map(([flags, shape]) => {
      const exact = nullsBitmap(flags);
      if (shape === 'exact' || exact.length === 0) return { isNull: flags, nulls: exact };
      if (shape === 'short') {
        const nulls = exact.subarray(0, exact.length - 1);
        return { isNull: flags.map((f, i) => f && i < nulls.length * 8), nulls };
      }
      if (shape === 'padded') return { isNull: flags, nulls: Buffer.concat([exact, Buffer.from([0xff, 0x01])]) };
      const noisy = Buffer.from(exact);
      noisy[noisy.length - 1]! |= 0xff << (((n - 1) & 7) + 1); // bits of rows that do not exist
      return { isNull: flags, nulls: noisy };
    });

const columnFor = (kind: Kind, n: number): fc.Arbitrary<WireColumn> =>
  fc.tuple(fc.array(kind.value, { minLength: n, maxLength: n }), nullsFor(n), fc.boolean()).map(([values, { nulls }, nullsFirst]) => ({ member: kind.member, values, nulls, nullsFirst }));

const extraArb: fc.Arbitrary<ExtraField> = fc.record({
  level: fc.constantFrom('resp', 'rowSet', 'column', 'member'),
  kind: fc.constantFrom(...EXTRA_KINDS),
  first: fc.boolean(),
});

const rowCountArb = fc.oneof(fc.constantFrom(0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65), fc.nat({ max: 140 }));

/** A whole reply: column kinds (indexes into {@link KINDS}), columns, status and wire liberties. */
export const caseArb = fc
  .tuple(rowCountArb, fc.array(fc.nat({ max: KINDS.length - 1 }), { minLength: 1, maxLength: 6 }))
  .chain(([n, kinds]) =>
    fc.record({
      kinds: fc.constant(kinds),
      columns: fc.tuple(...kinds.map((k) => columnFor(KINDS[k]!, n))),
      status: fc.oneof(
        fc.constant(new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS })),
        fc.array(fc.string(), { maxLength: 3 }).map((infoMessages) => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_WITH_INFO_STATUS, infoMessages })),
      ),
      hasMoreRows: fc.option(fc.boolean(), { nil: undefined }),
      startRowOffset: fc.bigInt({ min: 0n, max: 2n ** 40n }),
      reversed: fc.boolean(),
      extras: fc.array(extraArb, { maxLength: 4 }),
    }),
  );
