/**
 * Who may make this browser answer a WebRTC connection, and how. Answering reveals this device's IP
 * addresses (its host and server-reflexive ICE candidates), so a signed-in stranger must not get that
 * just by asking. First contact still needs no click: anyone may open anyone in **Online users**, and
 * the Lobby is everyone online, so strangers are answered — through the TURN relay when the server
 * gave one (they learn the relay's address, never ours), and at most `perMinute` new connections a
 * minute and `maxStrangers` at once; past that their requests are dropped and they retry later.
 *
 * A peer is **known** when this user shares an accepted group with them (an invitation, either way,
 * does not count), wrote to them directly (stored, or opened their conversation this session), or
 * verified their key. Known peers are answered as usual. A pinned key alone does not count: keys are
 * pinned on first use, so a stranger's first relayed connection would make it known.
 * Connections this user starts never come here (`PeerMesh.want` is never restricted).
 */
import { directConversationId, directPeerOf } from '../../../shared/peer-protocol.js';
import type { AnswerDecision, AnswerPolicy } from '../../net/answer-policy.js';
import { systemClock } from '../../net/clock.js';
import type { Clock } from '../../net/clock.js';
import type { Warn } from '../warn.js';

/** New connections a minute answered for strangers (a token bucket: this many at once, then refilled). */
export const STRANGER_CONNECTS_PER_MINUTE = 5;
/** Strangers' connections alive at once. */
export const MAX_STRANGER_CONNECTIONS = 20;

const MINUTE_MS = 60_000;

export interface ConnectPolicyDeps {
  readonly me: string;
  /** Whether this user and `peer` are both members of a group (accepted: the directory's groups). */
  sharesGroupWith(peer: string): boolean;
  /** Whether the person verified `peer`'s key (compared safety numbers). */
  verified(peer: string): boolean;
  /** Whether the server gave a TURN relay to answer strangers through. */
  relayConfigured(): boolean;
  warn: Warn;
  clock?: Clock;
  perMinute?: number;
  maxStrangers?: number;
}

/** What `learn` reads of this device's storage. */
export interface ContactHistory {
  /** The seq this user's next message in `conversation` gets: above 1 once they wrote there. */
  nextSeq(conversation: string): Promise<number>;
  /** Reads `peer`'s pinned key into the identity book, so `verified(peer)` answers at once later. */
  pinned(peer: string): Promise<unknown>;
}

export class ConnectPolicy implements AnswerPolicy {
  readonly #deps: ConnectPolicyDeps;
  readonly #clock: Clock;
  readonly #perMinute: number;
  readonly #maxStrangers: number;
  /** People this user wrote to directly, or whose conversation they opened. */
  readonly #contacts = new Set<string>();
  /** Strangers whose connection was let through and has not ended. */
  readonly #strangers = new Set<string>();
  #tokens: number;
  #refilledAt: number;

  constructor(deps: ConnectPolicyDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#perMinute = deps.perMinute ?? STRANGER_CONNECTS_PER_MINUTE;
    this.#maxStrangers = deps.maxStrangers ?? MAX_STRANGER_CONNECTIONS;
    if (this.#perMinute < 1 || this.#maxStrangers < 1)
      throw new TypeError('connect limits must be at least 1');
    this.#tokens = this.#perMinute;
    this.#refilledAt = this.#clock.now();
  }

  /** This user chose `peer`: opened their direct conversation, or wrote to them (stored history). */
  contacted(peer: string): void {
    this.#contacts.add(peer);
  }

  /**
   * Reads from this device's storage whom this user wrote to, among the peers of the direct
   * conversations stored (`conversations`: any ids), and their pins. At open, and after an import.
   */
  async learn(conversations: readonly string[], history: ContactHistory): Promise<void> {
    const peers = conversations.flatMap((id) => directPeerOf(id, this.#deps.me) ?? []);
    await Promise.all(
      peers.map(async (peer) => {
        await history.pinned(peer);
        if ((await history.nextSeq(directConversationId(this.#deps.me, peer))) > 1) this.contacted(peer);
      }),
    );
  }

  known(peer: string): boolean {
    return this.#contacts.has(peer) || this.#deps.sharesGroupWith(peer) || this.#deps.verified(peer);
  }

  decide(peer: string): AnswerDecision {
    if (this.known(peer)) return 'answer';
    // The mesh ends a peer's previous connection before it asks about a new one.
    if (this.#strangers.size >= this.#maxStrangers) {
      this.#deps.warn(`connection from ${peer} refused: ${this.#maxStrangers} strangers connected already`);
      return 'refuse';
    }
    if (!this.#take()) {
      this.#deps.warn(`connection from ${peer} refused: over ${this.#perMinute} new strangers a minute`);
      return 'refuse';
    }
    this.#strangers.add(peer);
    // Without TURN (a LAN or one machine) there is nothing to hide behind: answered directly, still limited.
    return this.#deps.relayConfigured() ? 'relay' : 'answer';
  }

  ended(peer: string): void {
    this.#strangers.delete(peer);
  }

  /** One token of the bucket, refilled continuously at `perMinute` a minute up to `perMinute`. */
  #take(): boolean {
    const now = this.#clock.now();
    const refill = ((now - this.#refilledAt) * this.#perMinute) / MINUTE_MS;
    this.#tokens = Math.min(this.#perMinute, this.#tokens + refill);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
