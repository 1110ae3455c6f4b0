import { loadGssAcceptor, type GssAcceptorAddon, type GssHandle } from './gss-acceptor';
import type { MechanismStep, ServerMechanism } from './sasl-negotiator';

/** RFC 4752 security-layer bits; Impala offers only "no security layer" (QOP auth). */
const LAYER_NONE = 0x01;

/** What a coordinator needs to accept Kerberos: the keytab and, optionally, the one principal it answers to. */
export interface KerberosAcceptorSettings {
  /** Keytab path (a merged keytab may hold several principals). */
  readonly keytab: string;
  /**
   * The principal clients must target, like impalad's `--principal`
   * (`impala/host@REALM`). Undefined = any principal in the keytab.
   */
  readonly principal?: string | undefined;
  /** Compiled acceptor addon (see gss-acceptor.ts). */
  readonly addonPath: string;
}

/**
 * The coordinator's Kerberos credentials (from its keytab, acquired once) and a
 * factory of per-connection GSSAPI mechanisms. Acquiring checks the keytab at start,
 * so a bad path fails the coordinator's start rather than every connection.
 *
 * @internal
 */
export class KerberosAcceptor {
  readonly #addon: GssAcceptorAddon;
  readonly #credential: GssHandle;

  constructor(settings: KerberosAcceptorSettings) {
    this.#addon = loadGssAcceptor(settings.addonPath);
    this.#credential = this.#addon.acquire(settings.keytab, settings.principal ?? null);
  }

  newMechanism(): ServerMechanism {
    return new GssapiMechanism(this.#addon, this.#credential);
  }

  /**
   * One SPNEGO step of an HS2-over-HTTP request (`Authorization: Negotiate <token>`), as
   * impalad does it: a fresh acceptor context per request, deleted after the step, so
   * nothing is kept between requests (impalad closes the connection after every 401).
   * Kerberos completes in one step; its answer token (the AP-REP) goes back to the
   * client for mutual authentication.
   *
   * @throws Error with GSSAPI's text when the token is refused (a principal not in the
   * keytab, a replayed or forged ticket).
   */
  acceptHttp(token: Buffer): SpnegoStep {
    const context = this.#addon.newContext();
    try {
      const result = this.#addon.accept(context, this.#credential, token);
      if (!result.complete) return { complete: false, token: result.token };
      return { complete: true, token: result.token, user: result.client ?? '' };
    } finally {
      this.#addon.dispose(context);
    }
  }
}

/** The outcome of {@link KerberosAcceptor.acceptHttp}. @internal */
export type SpnegoStep = { complete: true; token: Buffer | null; user: string } | { complete: false; token: Buffer | null };

/**
 * Server side of SASL GSSAPI (RFC 4752) with a real MIT acceptor: GSS tokens until
 * the context is established (the client's AP-REQ, our AP-REP for mutual
 * authentication), then the security-layer exchange: we send, wrapped, "no security
 * layer, 0 byte buffer"; the client answers, wrapped, with its choice and an optional
 * authorization id, which must be empty or its own principal. Any GSS failure (a
 * principal not in the keytab, a forged or replayed ticket) fails the mechanism.
 */
class GssapiMechanism implements ServerMechanism {
  readonly #addon: GssAcceptorAddon;
  readonly #credential: GssHandle;
  readonly #context: GssHandle;
  #state: 'context' | 'after-reply' | 'layer' | 'finished' = 'context';
  #client = '';

  constructor(addon: GssAcceptorAddon, credential: GssHandle) {
    this.#addon = addon;
    this.#credential = credential;
    this.#context = addon.newContext();
  }

  step(response: Buffer): MechanismStep {
    try {
      const next = this.#step(response);
      if (next.kind !== 'challenge') this.#finish();
      return next;
    } catch (err) {
      this.#finish();
      return { kind: 'fail', reason: (err as Error).message };
    }
  }

  #step(response: Buffer): MechanismStep {
    switch (this.#state) {
      case 'context': {
        const result = this.#addon.accept(this.#context, this.#credential, response);
        if (!result.complete) return { kind: 'challenge', payload: result.token ?? Buffer.alloc(0) };
        this.#client = result.client ?? '';
        if (result.token !== null) {
          // Mutual authentication: the client must see our AP-REP before the layer offer.
          this.#state = 'after-reply';
          return { kind: 'challenge', payload: result.token };
        }
        return this.#offerLayer();
      }
      case 'after-reply':
        return this.#offerLayer();
      case 'layer':
        return this.#checkChoice(this.#addon.unwrap(this.#context, response));
      case 'finished':
        return { kind: 'fail', reason: 'GSSAPI negotiation already finished' };
    }
  }

  #offerLayer(): MechanismStep {
    this.#state = 'layer';
    // Bit mask of offered layers + 3-byte maximum buffer, which must be 0 without a layer.
    return { kind: 'challenge', payload: this.#addon.wrap(this.#context, Buffer.from([LAYER_NONE, 0, 0, 0])) };
  }

  #checkChoice(choice: Buffer): MechanismStep {
    if (choice.length < 4) return { kind: 'fail', reason: `security-layer reply of ${choice.length} bytes (at least 4 expected)` };
    if (choice[0] !== LAYER_NONE) return { kind: 'fail', reason: `client chose security layer 0x${choice[0]!.toString(16)}, but only 'none' (QOP auth) is offered` };
    const authzid = choice.subarray(4).toString('utf8');
    const shortName = this.#client.split(/[/@]/)[0];
    if (authzid !== '' && authzid !== this.#client && authzid !== shortName) {
      return { kind: 'fail', reason: `${this.#client} may not act as '${authzid}'` };
    }
    return { kind: 'done', user: this.#client };
  }

  #finish(): void {
    if (this.#state === 'finished') return;
    this.#state = 'finished';
    // Impala never wraps payloads after negotiation: the context is not needed any more.
    this.#addon.dispose(this.#context);
  }
}
