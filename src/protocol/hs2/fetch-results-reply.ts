import { TBinaryProtocol, Thrift } from 'thrift';
import type { TProtocol } from 'thrift';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import { RawRowSet, readRawRowSet } from './raw-row-set';

/** A batch of a FetchResults reply: indexed bytes (fast path) or thrift's objects (fallback). */
export type RowBatch = RawRowSet | T.TRowSet;

/** What thrift's buffered transport holds while a reply is read: the whole message. */
interface BufferedInput {
  inBuf: Buffer;
  readCursor: number;
  writeCursor: number;
}

/** The generated structs have read(); their .d.ts declares fields only. */
interface Readable {
  read(input: TProtocol): void;
}

/**
 * A FetchResults reply (`TFetchResultsResp`), readable by `Connection.call` in place
 * of the generated class, that does not build thrift's object graph for the rows.
 *
 * The status is read with the generated `TStatus` (it is small and its messages are
 * what errors are made of). The row set is indexed straight from the message bytes
 * into a {@link RawRowSet} (one copy of the row set's bytes plus an index) that
 * `RowDecoder` converts to rows. The generated reader creates one Buffer per string
 * and one Int64 object per BIGINT; on 1M rows × 8 columns, reading and decoding went
 * from about 0.26M to 2.6M rows/s (test/protocol/hs2/bench/fetch-decode.bench.ts).
 *
 * The fast path needs a TBinaryProtocol over a transport that holds the whole message
 * in memory (`Connection` feeds thrift's TBufferedTransport exactly that way). Over
 * any other protocol or transport the row set is read with the generated `TRowSet`,
 * which `RowDecoder` decodes too.
 */
export class FetchResultsReply {
  /** The reply's status; ERROR_STATUS replies carry no rows. */
  status!: T.TStatus;
  /** Whether more rows follow; absent counts as no (end of rows). */
  hasMoreRows: boolean | undefined;
  /** The batch; absent in STILL_EXECUTING and error replies. */
  results: RowBatch | undefined;

  /** Reads the struct from `input`, like a generated struct's `read`. */
  read(input: TProtocol): void {
    const buffered = bufferedInput(input);
    input.readStructBegin();
    for (;;) {
      const { ftype, fid } = input.readFieldBegin();
      if (ftype === Thrift.Type.STOP) break;
      if (fid === 1 && ftype === Thrift.Type.STRUCT) {
        const status = new T.TStatus();
        (status as unknown as Readable).read(input);
        this.status = status;
      } else if (fid === 2 && ftype === Thrift.Type.BOOL) {
        this.hasMoreRows = input.readBool();
      } else if (fid === 3 && ftype === Thrift.Type.STRUCT) {
        this.results = buffered ? readIndexed(buffered) : readGenerated(input);
      } else {
        input.skip(ftype);
      }
      input.readFieldEnd();
    }
    input.readStructEnd();
  }
}

function readIndexed(transport: BufferedInput): RawRowSet {
  const { rowSet, end } = readRawRowSet(transport.inBuf, transport.readCursor, transport.writeCursor);
  transport.readCursor = end;
  return rowSet;
}

function readGenerated(input: TProtocol): T.TRowSet {
  const rowSet = new T.TRowSet();
  (rowSet as unknown as Readable).read(input);
  return rowSet;
}

/** The transport's message buffer when the bytes can be walked directly, else undefined. */
function bufferedInput(input: TProtocol): BufferedInput | undefined {
  if (!(input instanceof TBinaryProtocol)) return undefined;
  const t = input.getTransport() as unknown as Partial<BufferedInput>;
  if (!Buffer.isBuffer(t.inBuf) || typeof t.readCursor !== 'number' || typeof t.writeCursor !== 'number') return undefined;
  return t as BufferedInput;
}
