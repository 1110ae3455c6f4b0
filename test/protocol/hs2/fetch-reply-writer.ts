/**
 * Writes FetchResults replies (`TFetchResultsResp` structs) field by field, with the
 * liberties the Thrift wire format allows and the generated writer never takes:
 * unknown fields at every level (newer Hive/Impala IDLs), fields in any order (nulls
 * before values, results before hasMoreRows), bitmaps shorter or longer than the
 * batch. Used to check that the fast reader and the generated one agree on any
 * well-formed reply.
 */
import { TBinaryProtocol, TBufferedTransport, TCompactProtocol, Thrift } from 'thrift';
import type { TProtocol } from 'thrift';
import { toInt64 } from '../../../src/protocol/hs2/int64';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';

/** TColumn union members, by name. */
export const MEMBERS = ['boolVal', 'byteVal', 'i16Val', 'i32Val', 'i64Val', 'doubleVal', 'stringVal', 'binaryVal'] as const;
export type MemberName = (typeof MEMBERS)[number];

/** One column as it goes on the wire: values already in their Thrift representation. */
export interface WireColumn {
  member: MemberName;
  /** booleans, numbers, bigints (i64) or Buffers (string/binary members). */
  values: unknown[];
  nulls: Buffer;
  /** Write `nulls` before `values`. */
  nullsFirst?: boolean;
}

/** Kinds of unknown field the writer can add. */
export const EXTRA_KINDS = ['bool', 'byte', 'i16', 'i32', 'i64', 'double', 'string', 'struct', 'list', 'map', 'set'] as const;
export type ExtraKind = (typeof EXTRA_KINDS)[number];

/** Where unknown fields go. */
export type ExtraLevel = 'resp' | 'rowSet' | 'column' | 'member';

/** An unknown field: which struct, its kind, and whether it comes before the known fields. */
export interface ExtraField {
  level: ExtraLevel;
  kind: ExtraKind;
  first: boolean;
}

/** A reply to write. */
export interface WireReply {
  status: T.TStatus;
  /** Absent: the field is not written. */
  hasMoreRows?: boolean;
  /** Absent: no `results` (STILL_EXECUTING and error replies). */
  results?: { startRowOffset: bigint; columns?: WireColumn[]; rowCount?: number };
  /** Write `results` before `hasMoreRows` and `status` last. */
  reversed?: boolean;
  extras?: ExtraField[];
}

const ELEMENT: Record<MemberName, Thrift.Type> = {
  boolVal: Thrift.Type.BOOL,
  byteVal: Thrift.Type.BYTE,
  i16Val: Thrift.Type.I16,
  i32Val: Thrift.Type.I32,
  i64Val: Thrift.Type.I64,
  doubleVal: Thrift.Type.DOUBLE,
  stringVal: Thrift.Type.STRING,
  binaryVal: Thrift.Type.STRING,
};

/** The bytes of `reply` as a TFetchResultsResp struct, in TBinaryProtocol or TCompactProtocol. */
export function writeReply(reply: WireReply, protocol: 'binary' | 'compact' = 'binary'): Buffer {
  let bytes: Buffer | undefined;
  const transport = new TBufferedTransport(undefined, (b?: Buffer) => (bytes = b));
  const p: TProtocol = protocol === 'binary' ? new TBinaryProtocol(transport) : new TCompactProtocol(transport);
  const extras = reply.extras ?? [];
  const fields: Array<() => void> = [
    () => {
      p.writeFieldBegin('status', Thrift.Type.STRUCT, 1);
      (reply.status as unknown as { write(p: TProtocol): void }).write(p);
    },
  ];
  if (reply.hasMoreRows !== undefined) {
    fields.push(() => {
      p.writeFieldBegin('hasMoreRows', Thrift.Type.BOOL, 2);
      p.writeBool(reply.hasMoreRows!);
    });
  }
  if (reply.results) {
    const results = reply.results;
    fields.push(() => {
      p.writeFieldBegin('results', Thrift.Type.STRUCT, 3);
      writeRowSet(p, results, extras);
    });
  }
  if (reply.reversed) fields.reverse();
  writeStruct(p, fields, extras, 'resp', 4);
  p.flush();
  return bytes ?? Buffer.alloc(0);
}

function writeStruct(p: TProtocol, fields: Array<() => void>, extras: ExtraField[], level: ExtraLevel, firstId: number): void {
  p.writeStructBegin('s');
  let id = firstId;
  for (const e of extras) if (e.level === level && e.first) writeExtra(p, e.kind, id++);
  for (const f of fields) {
    f();
    p.writeFieldEnd();
  }
  for (const e of extras) if (e.level === level && !e.first) writeExtra(p, e.kind, id++);
  p.writeFieldStop();
  p.writeStructEnd();
}

function writeRowSet(p: TProtocol, rs: NonNullable<WireReply['results']>, extras: ExtraField[]): void {
  const fields: Array<() => void> = [
    () => {
      p.writeFieldBegin('startRowOffset', Thrift.Type.I64, 1);
      p.writeI64(toInt64(rs.startRowOffset));
    },
    () => {
      // Row-oriented rows are written as empty TRow structs: only their count matters here.
      p.writeFieldBegin('rows', Thrift.Type.LIST, 2);
      p.writeListBegin(Thrift.Type.STRUCT, rs.rowCount ?? 0);
      for (let i = 0; i < (rs.rowCount ?? 0); i++) (new T.TRow({ colVals: [] }) as unknown as { write(p: TProtocol): void }).write(p);
      p.writeListEnd();
    },
  ];
  if (rs.columns) {
    const columns = rs.columns;
    fields.push(() => {
      p.writeFieldBegin('columns', Thrift.Type.LIST, 3);
      p.writeListBegin(Thrift.Type.STRUCT, columns.length);
      for (const c of columns) writeColumn(p, c, extras);
      p.writeListEnd();
    });
  }
  // Hive 2.x+ adds binaryColumns (4) and columnCount (5): the extras play that role.
  writeStruct(p, fields, extras, 'rowSet', 4);
}

function writeColumn(p: TProtocol, c: WireColumn, extras: ExtraField[]): void {
  const member = () => {
    p.writeFieldBegin(c.member, Thrift.Type.STRUCT, MEMBERS.indexOf(c.member) + 1);
    const values = () => {
      p.writeFieldBegin('values', Thrift.Type.LIST, 1);
      p.writeListBegin(ELEMENT[c.member], c.values.length);
      for (const v of c.values) writeValue(p, c.member, v);
      p.writeListEnd();
    };
    const nulls = () => {
      p.writeFieldBegin('nulls', Thrift.Type.STRING, 2);
      p.writeBinary(c.nulls);
    };
    writeStruct(p, c.nullsFirst ? [nulls, values] : [values, nulls], extras, 'member', 3);
  };
  writeStruct(p, [member], extras, 'column', 9);
}

function writeValue(p: TProtocol, member: MemberName, v: unknown): void {
  switch (member) {
    case 'boolVal':
      return p.writeBool(v as boolean);
    case 'byteVal':
      return p.writeByte(v as number);
    case 'i16Val':
      return p.writeI16(v as number);
    case 'i32Val':
      return p.writeI32(v as number);
    case 'i64Val':
      return p.writeI64(toInt64(v as bigint));
    case 'doubleVal':
      return p.writeDouble(v as number);
    default:
      return p.writeBinary(v as Buffer);
  }
}

function writeExtra(p: TProtocol, kind: ExtraKind, id: number): void {
  const types: Record<ExtraKind, Thrift.Type> = {
    bool: Thrift.Type.BOOL, byte: Thrift.Type.BYTE, i16: Thrift.Type.I16, i32: Thrift.Type.I32, i64: Thrift.Type.I64, double: Thrift.Type.DOUBLE,
    string: Thrift.Type.STRING, struct: Thrift.Type.STRUCT, list: Thrift.Type.LIST, map: Thrift.Type.MAP, set: Thrift.Type.SET,
  };
  p.writeFieldBegin('extra', types[kind], id);
  switch (kind) {
    case 'bool': p.writeBool(true); break;
    case 'byte': p.writeByte(-1); break;
    case 'i16': p.writeI16(-2); break;
    case 'i32': p.writeI32(123456); break;
    case 'i64': p.writeI64(toInt64(-(2n ** 62n))); break;
    case 'double': p.writeDouble(Math.PI); break;
    case 'string': p.writeBinary(Buffer.from([0, 0xff, 0x0c, 0x0f])); break;
    case 'struct':
      // A nested struct with a list of structs inside: exercises recursive skipping.
      p.writeStructBegin('x');
      p.writeFieldBegin('inner', Thrift.Type.LIST, 1);
      p.writeListBegin(Thrift.Type.STRUCT, 2);
      for (let i = 0; i < 2; i++) {
        p.writeStructBegin('y');
        p.writeFieldBegin('s', Thrift.Type.STRING, 1);
        p.writeString(`v${i}`);
        p.writeFieldEnd();
        p.writeFieldStop();
        p.writeStructEnd();
      }
      p.writeListEnd();
      p.writeFieldEnd();
      p.writeFieldStop();
      p.writeStructEnd();
      break;
    case 'list':
      p.writeListBegin(Thrift.Type.I64, 3);
      for (let i = 0; i < 3; i++) p.writeI64(toInt64(BigInt(i)));
      p.writeListEnd();
      break;
    case 'map':
      p.writeMapBegin(Thrift.Type.STRING, Thrift.Type.I32, 2);
      p.writeString('a');
      p.writeI32(1);
      p.writeString('b');
      p.writeI32(2);
      p.writeMapEnd();
      break;
    case 'set':
      p.writeSetBegin(Thrift.Type.BOOL, 2);
      p.writeBool(true);
      p.writeBool(false);
      p.writeSetEnd();
      break;
  }
  p.writeFieldEnd();
}
