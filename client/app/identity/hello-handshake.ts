/**
 * The identity hello, run on every data channel before the app may use it (the mesh's `LinkGate`).
 * Each side sends its key and a fresh nonce; once it has the other's nonce it signs the statement of
 * shared/identity-protocol.ts — both names, both DTLS fingerprints as its own connection sees them,
 * both nonces — and checks the other's statement against what this connection sees. A signaling
 * server that swapped the SDP to sit in the middle leaves each side seeing the middle-man's
 * fingerprint where the other signed its own: the proofs fail, and the link is refused. A replayed
 * proof names an old nonce and fails the same way.
 */
import { bytesToHex, helloStatement } from '../../../shared/identity-protocol.js';
import type { HandshakeFrame, HelloFrame, PublicIdentity } from '../../../shared/identity-protocol.js';
import { PEER_PROTOCOL_VERSION } from '../../../shared/peer-protocol.js';
import type { GateLink, GateSession, LinkGate } from '../../net/link-gate.js';
import { verifySignature } from './device-key.js';
import type { DeviceKey } from './device-key.js';

/** Why a link was refused; `blocked` means the key is not one this browser may talk to yet. */
export type HelloFailure = 'version' | 'out-of-order' | 'no-fingerprints' | 'bad-proof' | 'blocked';

export interface HelloHandshakeDeps {
  me: string;
  key: Pick<DeviceKey, 'identity' | 'sign'>;
  /**
   * The peer proved it holds `identity` on this connection: may the app talk to it? (Pinning:
   * identity-book.ts.) False refuses the link as `blocked`.
   */
  admit(peer: string, identity: PublicIdentity): Promise<boolean>;
  /** How each handshake ended, for what the person is shown. */
  outcome(peer: string, result: 'verified' | HelloFailure): void;
  warn(message: string, error?: unknown): void;
}

function nonce(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
}

export class HelloHandshake implements LinkGate {
  readonly #deps: HelloHandshakeDeps;

  constructor(deps: HelloHandshakeDeps) {
    this.#deps = deps;
  }

  begin(peer: string, link: GateLink): GateSession {
    const deps = this.#deps;
    const mine = nonce();
    const { local, remote } = link.fingerprints;
    let theirs: HelloFrame | null = null;
    let ended = false;
    const fail = (reason: HelloFailure): void => {
      if (ended) return;
      ended = true;
      deps.outcome(peer, reason);
      link.refused(`identity hello failed: ${reason}`);
    };
    link.send({ type: 'hello', version: PEER_PROTOCOL_VERSION, nonce: mine, identity: deps.key.identity });
    if (local.length === 0 || remote.length === 0) fail('no-fingerprints');

    const onHello = async (hello: HelloFrame): Promise<void> => {
      if (theirs) return fail('out-of-order');
      if (hello.version !== PEER_PROTOCOL_VERSION) return fail('version');
      theirs = hello;
      const sig = await deps.key.sign(
        helloStatement({
          from: deps.me,
          to: peer,
          fromFingerprints: local,
          toFingerprints: remote,
          fromNonce: mine,
          toNonce: hello.nonce,
        }),
      );
      if (!ended) link.send({ type: 'hello-proof', sig });
    };

    const onProof = async (sig: string): Promise<void> => {
      const hello = theirs;
      // The channel is ordered and each side sends its hello first: a proof before it is forged.
      if (!hello) return fail('out-of-order');
      const statement = helloStatement({
        from: peer,
        to: deps.me,
        fromFingerprints: remote,
        toFingerprints: local,
        fromNonce: hello.nonce,
        toNonce: mine,
      });
      if (!(await verifySignature(hello.identity, sig, statement))) return fail('bad-proof');
      if (!(await deps.admit(peer, hello.identity))) return fail('blocked');
      if (ended) return;
      ended = true;
      deps.outcome(peer, 'verified');
      link.verified();
    };

    return {
      receive: (frame: HandshakeFrame) => {
        if (ended) return;
        const step = frame.type === 'hello' ? onHello(frame) : onProof(frame.sig);
        step.catch((error: unknown) => {
          deps.warn(`identity hello with ${peer} failed`, error);
          fail('bad-proof');
        });
      },
    };
  }
}
