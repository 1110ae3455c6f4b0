import { Thrift, type TProtocol } from 'thrift';
import { WHOLE_STRUCT, type WholeStruct } from '../../connection/thrift-codec';
import { ProtocolError } from '../../errors';
import * as B from '../../thrift/gen-nodejs/beeswax_types';

/**
 * Encoding of Beeswax calls over a {@link Channel}: the args struct with each
 * method's own arguments, and the result struct with its success field (any type, or
 * none for `void`) and declared exceptions. Both carry the channel codec's
 * `WHOLE_STRUCT` mark, so the channel writes and reads them whole instead of wrapping
 * a single `req` struct as it does for HS2.
 *
 * @internal
 */

/** Generated structs have write()/read(); their .d.ts declares fields only. */
interface Writable {
  write(output: TProtocol): void;
}
interface Readable {
  read(input: TProtocol): void;
}

/** One argument of a Beeswax method: its field id and typed value. */
export type BeeswaxArg =
  | { id: number; type: 'struct'; value: object }
  | { id: number; type: 'string'; value: string }
  | { id: number; type: 'bool'; value: boolean }
  | { id: number; type: 'i32'; value: number };

/** The args struct of one Beeswax call. */
export class BeeswaxArgs implements WholeStruct {
  readonly [WHOLE_STRUCT] = true as const;
  readonly #method: string;
  readonly #args: readonly BeeswaxArg[];

  constructor(method: string, args: readonly BeeswaxArg[] = []) {
    this.#method = method;
    this.#args = args;
  }

  write(out: TProtocol): void {
    out.writeStructBegin(`${this.#method}_args`);
    for (const arg of this.#args) {
      switch (arg.type) {
        case 'struct':
          out.writeFieldBegin('', Thrift.Type.STRUCT, arg.id);
          (arg.value as Writable).write(out);
          break;
        case 'string':
          out.writeFieldBegin('', Thrift.Type.STRING, arg.id);
          out.writeString(arg.value);
          break;
        case 'bool':
          out.writeFieldBegin('', Thrift.Type.BOOL, arg.id);
          out.writeBool(arg.value);
          break;
        case 'i32':
          out.writeFieldBegin('', Thrift.Type.I32, arg.id);
          out.writeI32(arg.value);
          break;
      }
      out.writeFieldEnd();
    }
    out.writeFieldStop();
    out.writeStructEnd();
  }
}

/** Where a method declares its exceptions in the result struct (field ids). */
export interface DeclaredExceptions {
  /** Field id of `BeeswaxException`, if declared. */
  beeswax?: number;
  /** Field id of `QueryNotFoundException`, if declared (Impala never throws it). */
  notFound?: number;
}

/** A decoded result struct: the success value, or which declared exception came back. */
export interface BeeswaxResult<T> extends WholeStruct {
  /** The success value; undefined for `void` methods and exception replies. */
  success: T | undefined;
  /** Whether field 0 was present (always false for `void`). */
  hasSuccess: boolean;
  /** A declared BeeswaxException. */
  error: B.BeeswaxException | undefined;
  /** A declared QueryNotFoundException arrived. */
  notFound: boolean;
  read(input: TProtocol): void;
}

/** How to read a success field: its Thrift type and a reader. */
export interface SuccessReader<T> {
  readonly type: number;
  read(input: TProtocol): T;
}

/** Success reader for a generated struct class. */
export function structOf<T extends object>(Struct: new () => T): SuccessReader<T> {
  return {
    type: Thrift.Type.STRUCT,
    read(input) {
      const value = new Struct();
      (value as unknown as Readable).read(input);
      return value;
    },
  };
}

/** Success reader for an i32 (enums such as QueryState). */
export const I32: SuccessReader<number> = { type: Thrift.Type.I32, read: (input) => input.readI32() };

/** Success reader for a string. */
export const STRING: SuccessReader<string> = { type: Thrift.Type.STRING, read: (input) => input.readString() };

/** Success reader for a list of generated structs. */
export function listOf<T extends object>(Struct: new () => T): SuccessReader<T[]> {
  const element = structOf(Struct);
  return {
    type: Thrift.Type.LIST,
    read(input) {
      const { etype, size } = input.readListBegin();
      const out: T[] = [];
      for (let i = 0; i < size; i++) {
        if (etype === Thrift.Type.STRUCT) out.push(element.read(input));
        else input.skip(etype);
      }
      input.readListEnd();
      return out;
    },
  };
}

/**
 * A result class for one method, for `Channel.call`: reads field 0 with `success`
 * (absent for `void` methods), the declared exceptions, and skips anything else, as
 * a generated reader does.
 */
export function resultClass<T>(success: SuccessReader<T> | undefined, exceptions: DeclaredExceptions = {}): new () => BeeswaxResult<T> {
  return class Result implements BeeswaxResult<T> {
    readonly [WHOLE_STRUCT] = true as const;
    success: T | undefined = undefined;
    hasSuccess = false;
    error: B.BeeswaxException | undefined = undefined;
    notFound = false;

    read(input: TProtocol): void {
      input.readStructBegin();
      for (;;) {
        const { ftype, fid } = input.readFieldBegin();
        if (ftype === Thrift.Type.STOP) break;
        if (fid === 0 && success !== undefined && ftype === success.type) {
          this.success = success.read(input);
          this.hasSuccess = true;
        } else if (fid !== 0 && fid === exceptions.beeswax && ftype === Thrift.Type.STRUCT) {
          const error = new B.BeeswaxException();
          (error as unknown as Readable).read(input);
          this.error = error;
        } else if (fid !== 0 && fid === exceptions.notFound && ftype === Thrift.Type.STRUCT) {
          input.skip(ftype);
          this.notFound = true;
        } else {
          input.skip(ftype);
        }
        input.readFieldEnd();
      }
      input.readStructEnd();
    }
  };
}

/** @throws {@link ProtocolError} when a non-void reply carried neither a value nor an exception. */
export function requireSuccess<T>(result: BeeswaxResult<T>, method: string, coordinator: string): T {
  if (!result.hasSuccess) throw new ProtocolError(`${coordinator} sent an empty result for ${method}`, { coordinator });
  return result.success as T;
}
