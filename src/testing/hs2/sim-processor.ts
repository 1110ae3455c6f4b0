import { Thrift, type TProtocol } from 'thrift';
import * as Service from '../../thrift/gen-nodejs/ImpalaHiveServer2Service';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import type { Hs2Handler } from './hs2-handler';

/** Generated structs read themselves; their typings do not say so. */
interface Readable {
  read(input: TProtocol): void;
}
interface Writable {
  write(output: TProtocol): void;
}

/**
 * The generated ImpalaHiveServer2Service Processor with a fast FetchResults: rows
 * are written as bytes encoded in one pass instead of through the generated
 * structs (which copy every value and write it as a separate buffer). Every other
 * method, and unknown methods (TApplicationException UNKNOWN_METHOD), go through the
 * generated code unchanged.
 *
 * @internal
 */
export class SimProcessor extends Service.Processor {
  readonly #handler: Hs2Handler;

  constructor(handler: Hs2Handler) {
    super(handler);
    this.#handler = handler;
  }

  override process_FetchResults(seqid: number, input: TProtocol, output: TProtocol): void {
    const req = readArgs(input);
    this.#handler.fetchResultsReply(req, true).then(
      (reply) => {
        output.writeMessageBegin('FetchResults', Thrift.MessageType.REPLY, seqid);
        output.writeStructBegin('TCLIService_FetchResults_result');
        output.writeFieldBegin('success', Thrift.Type.STRUCT, 0);
        if (Buffer.isBuffer(reply)) output.getTransport().write(reply);
        else (reply as unknown as Writable).write(output);
        output.writeFieldEnd();
        output.writeFieldStop();
        output.writeStructEnd();
        output.writeMessageEnd();
        output.flush();
      },
      (err: unknown) => {
        const x = new Thrift.TApplicationException(Thrift.TApplicationExceptionType.UNKNOWN, err instanceof Error ? err.message : String(err));
        output.writeMessageBegin('FetchResults', Thrift.MessageType.EXCEPTION, seqid);
        (x as unknown as Writable).write(output);
        output.writeMessageEnd();
        output.flush();
      },
    );
  }
}

/** Reads FetchResults' argument struct (`1: TFetchResultsReq req`), skipping anything else. */
function readArgs(input: TProtocol): T.TFetchResultsReq {
  const req = new T.TFetchResultsReq();
  input.readStructBegin();
  for (;;) {
    const { ftype, fid } = input.readFieldBegin();
    if (ftype === Thrift.Type.STOP) break;
    if (fid === 1 && ftype === Thrift.Type.STRUCT) (req as unknown as Readable).read(input);
    else input.skip(ftype);
    input.readFieldEnd();
  }
  input.readStructEnd();
  input.readMessageEnd();
  return req;
}
