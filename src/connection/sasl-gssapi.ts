import type { Socket } from 'node:net';
import createDebug from 'debug';
import { ConnectError, ErrorCode, ImpalaError, ProtocolError } from '../errors';
import { principalHint, resolveKerberosTarget, type KerberosTarget, type KerberosTargetOptions } from './kerberos-principal';
import { initializeGssClient, type GssClient } from './load-kerberos';
import { NegotiationReader } from './negotiation-reader';
import { tlsAlertError } from './open-socket';
import { SaslStatus, encodeNegotiationFrame } from './sasl-plain';

const debug = createDebug('impala-ha:connection');

/** RFC 4752 security-layer bit "no security layer": Impala's only one (QOP auth). */
const LAYER_NONE = 0x01;

/**
 * Our answer in the RFC 4752 security-layer step: layer "none", a 0-byte maximum buffer
 * (required without a layer), no authorization id (act as the ticket's principal).
 * The `kerberos` package's `wrap()` always rebuilds these four bytes from its input
 * (layer none + the input's buffer size + `user`), so we give it exactly them.
 */
const LAYER_REPLY = Buffer.from([LAYER_NONE, 0, 0, 0]);

/**
 * Runs SASL GSSAPI (RFC 4752) over Thrift SASL framing on a connected socket, as the
 * client of an impalad started with `--principal`, and resolves with any bytes sent
 * after COMPLETE:
 *
 * 1. START `GSSAPI`, then OK with the first Kerberos token (the AP-REQ for the target
 *    principal, from the ticket cache);
 * 2. GSS tokens in OK frames until the context is established (the server's AP-REP
 *    proves it holds the principal's key: mutual authentication);
 * 3. the security-layer step: the server's wrapped offer must include "no layer"
 *    (Impala never wraps payloads), we answer with {@link LAYER_REPLY} wrapped;
 * 4. COMPLETE.
 *
 * Every failure is a ConnectError AUTH_FAILED naming the principal tried (never a
 * token). Impala refuses a ticket by closing the socket without a frame. The caller
 * bounds the whole exchange (connectTimeoutMs) and destroys the socket on abort.
 *
 * @internal
 */
export async function saslGssapiHandshake(socket: Socket, options: KerberosTargetOptions, coordinatorHost: string, coordinator: string): Promise<Buffer> {
  const target = await resolveKerberosTarget(options, coordinatorHost);
  const refused = (cause: Error | undefined): Error =>
    tlsAlertError(cause, coordinator) ??
    new ConnectError(
      ErrorCode.AUTH_FAILED,
      `${coordinator} closed the connection during Kerberos (GSSAPI) authentication to ${target.principal}${cause ? ` (${cause.message})` : ''}: ` +
        `the coordinator does not accept tickets for this principal, or does not use Kerberos. ${principalHint(target)}`,
      { coordinator, cause },
    );
  const reader = new NegotiationReader(socket, coordinator, refused);
  try {
    const client = await gss(target, coordinator, 'start a Kerberos context', () => initializeGssClient(target.serviceAtHost));
    const first = await gss(target, coordinator, 'get a service ticket', () => client.step(''));
    reader.write(Buffer.concat([encodeNegotiationFrame(SaslStatus.START, Buffer.from('GSSAPI')), encodeNegotiationFrame(SaslStatus.OK, fromBase64(first))]));
    let layerDone = false;
    for (;;) {
      const frame = await reader.next();
      if (frame.status === SaslStatus.COMPLETE) {
        if (!layerDone) throw authFailed(target, coordinator, 'the server ended the negotiation before the security-layer exchange, so it never proved it holds the principal\'s key');
        debug('%s: authenticated with Kerberos to %s', coordinator, target.principal);
        return reader.release();
      }
      if (frame.status === SaslStatus.BAD || frame.status === SaslStatus.ERROR) {
        throw authFailed(target, coordinator, `the server refused it: ${frame.payload.toString('utf8') || 'no reason given'}`);
      }
      if (frame.status !== SaslStatus.OK) throw new ProtocolError(`unexpected SASL status ${frame.status} from ${coordinator} during GSSAPI authentication`, { coordinator });
      if (layerDone) throw new ProtocolError(`${coordinator} sent another GSSAPI challenge after the security-layer exchange`, { coordinator });
      let reply: Buffer;
      if (!client.contextComplete) {
        reply = fromBase64(await gss(target, coordinator, "check the server's reply", () => client.step(frame.payload.toString('base64'))));
      } else {
        reply = await chooseLayer(client, frame.payload, target, coordinator);
        layerDone = true;
      }
      if (reader.failure !== undefined) throw reader.failure;
      reader.write(encodeNegotiationFrame(SaslStatus.OK, reply));
    }
  } finally {
    reader.release();
  }
}

/** Unwraps the server's layer offer, checks it allows "no layer", and returns our wrapped choice. */
async function chooseLayer(client: GssClient, wrapped: Buffer, target: KerberosTarget, coordinator: string): Promise<Buffer> {
  const offer = fromBase64(await gss(target, coordinator, "read the server's security-layer offer", () => client.unwrap(wrapped.toString('base64'))));
  if (offer.length !== 4) throw authFailed(target, coordinator, `the security-layer offer has ${offer.length} bytes (4 expected)`);
  if ((offer[0]! & LAYER_NONE) === 0) {
    throw authFailed(target, coordinator, `the server requires a SASL integrity or privacy layer (offer 0x${offer[0]!.toString(16)}), which Impala never uses; only QOP 'auth' is supported (use TLS for privacy)`);
  }
  return fromBase64(await gss(target, coordinator, 'answer the security-layer offer', () => client.wrap(LAYER_REPLY.toString('base64'))));
}

/** Runs one GSSAPI call; its failure becomes AUTH_FAILED naming the principal and what was being done. */
async function gss<T>(target: KerberosTarget, coordinator: string, doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ImpalaError) throw err;
    throw authFailed(target, coordinator, `could not ${doing}: ${(err as Error).message}`, err);
  }
}

function authFailed(target: KerberosTarget, coordinator: string, why: string, cause?: unknown): ConnectError {
  return new ConnectError(ErrorCode.AUTH_FAILED, `Kerberos (GSSAPI) authentication to ${coordinator} as service principal ${target.principal} failed: ${why}. ${principalHint(target)}`, {
    coordinator,
    cause,
  });
}

function fromBase64(text: string | null | undefined): Buffer {
  return text === null || text === undefined || text === '' ? Buffer.alloc(0) : Buffer.from(text, 'base64');
}
