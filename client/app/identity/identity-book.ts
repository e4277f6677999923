/**
 * What this browser knows of each contact's identity: the pinned key (trust on first use, or
 * verified by comparing safety numbers), whether the last connection's hello verified, and key
 * changes waiting for the person. One owner for all of it, so the handshake, the message checks and
 * the UI read the same answers.
 *
 * Key-change rules (like Signal's and Matrix's): an unverified contact's new key is pinned at once
 * and the conversation shows a notice; a verified contact's new key is refused — no traffic —
 * until the person accepts it (or verifies it) in the conversation.
 */
import { hexToBytes } from '../../../shared/identity-protocol.js';
import type { PublicIdentity } from '../../../shared/identity-protocol.js';
import type { IdentityStore, PinRow } from '../../storage/identity-store.js';
import type { DeviceKey } from './device-key.js';
import { HelloHandshake } from './hello-handshake.js';
import { MessageVerifier } from './message-signing.js';
import type { HelloFailure } from './hello-handshake.js';
import { safetyNumber } from './safety-number.js';
import type { Warn } from '../warn.js';

/** What the conversation with a contact shows about their identity. */
export interface IdentityView {
  /** The person compared safety numbers and marked the current key verified. */
  readonly verified: boolean;
  /** The last connection's hello did not verify: nothing was exchanged on it. */
  readonly connectionUnverified: boolean;
  /** The contact's key changed: `notice` (unverified contact, already pinned) or `blocked`. */
  readonly keyChange: 'notice' | 'blocked' | null;
  /** The server advertised a key other than the one that signed the hello. */
  readonly serverKeyMismatch: boolean;
  /** The 60 digits for the key pinned (or proposed), once known; null before any key is known. */
  readonly safetyNumber: string | null;
}

interface Entry {
  pin: PinRow | null;
  /** A verified contact's new key, waiting for the person's acceptance. */
  proposed: PublicIdentity | null;
  notice: boolean;
  connectionUnverified: boolean;
  /** What the server says this contact's key is: a hint, compared with what the hello proved. */
  advertised: PublicIdentity | null;
  serverKeyMismatch: boolean;
  safetyNumber: string | null;
  /** The key (hex) `safetyNumber` stands for, and the one it is being computed for: null when none. */
  numbered: string | null;
  numbering: string | null;
}

const sameKey = (a: PublicIdentity, b: PublicIdentity): boolean => a.alg === b.alg && a.key === b.key;

export interface IdentityBookDeps {
  /** This user, and this browser's public key: the other half of every safety number. */
  readonly me: string;
  readonly own: PublicIdentity;
  readonly store: Pick<IdentityStore, 'pin' | 'savePin'>;
  /** Something the person sees changed. */
  changed(peer: string): void;
}

export class IdentityBook {
  readonly #deps: IdentityBookDeps;
  readonly #entries = new Map<string, Entry>();
  /** Pins read once per peer; the promise keeps concurrent readers from racing a first pin. */
  readonly #loading = new Map<string, Promise<Entry>>();
  /** Checks message signatures against the keys pinned here. */
  readonly verifier = new MessageVerifier({ pinned: (peer) => this.pinned(peer) });

  constructor(deps: IdentityBookDeps) {
    this.#deps = deps;
  }

  /**
   * The identity hello every link must pass, signed with `key`: it admits keys by this book's
   * pinning rules and tells the book how each handshake ended.
   */
  gate(key: Pick<DeviceKey, 'identity' | 'sign'>, warn: Warn): HelloHandshake {
    return new HelloHandshake({
      me: this.#deps.me,
      key,
      admit: (peer, identity) => this.admit(peer, identity),
      outcome: (peer, result) => this.outcome(peer, result),
      warn,
    });
  }

  /**
   * What the conversation with `peer` shows. Its `safetyNumber` is computed when first read (and
   * again after the key changes), with `changed(peer)` once it is known: 2 × 5,200 rounds of
   * SHA-512 per contact, which must not hold up a hello or the first signature checked (it cost
   * a returning group member ~0.6 s of its main thread before catch-up could start).
   */
  view(peer: string): IdentityView {
    const entry = this.#entries.get(peer) ?? this.#blank(peer);
    const number = (): string | null => {
      this.#numberLater(peer, entry);
      return entry.safetyNumber;
    };
    return {
      get safetyNumber() {
        return number();
      },
      verified: entry.pin?.verified === true && !entry.proposed,
      connectionUnverified: entry.connectionUnverified,
      keyChange: entry.proposed ? 'blocked' : entry.notice ? 'notice' : null,
      serverKeyMismatch: entry.serverKeyMismatch,
    };
  }

  /** The key pinned for `peer`, if any: what its messages and group changes are checked against. */
  async pinned(peer: string): Promise<PublicIdentity | null> {
    const entry = await this.#load(peer);
    return entry.pin ? { alg: entry.pin.alg, key: entry.pin.key } : null;
  }

  /**
   * The key to check `peer`'s group changes with: the pinned one, else the one the server hands out
   * with presence (trust on first use, like a first contact; docs/security.md), else null.
   */
  async groupKey(peer: string): Promise<PublicIdentity | null> {
    if (peer === this.#deps.me) return this.#deps.own;
    return (await this.pinned(peer)) ?? this.#entries.get(peer)?.advertised ?? null;
  }

  /**
   * The hello proved `peer` holds `identity`: pin it on first use; apply the key-change rules.
   * True when the connection may carry traffic.
   */
  async admit(peer: string, identity: PublicIdentity): Promise<boolean> {
    const entry = await this.#load(peer);
    entry.serverKeyMismatch = entry.advertised !== null && !sameKey(entry.advertised, identity);
    if (!entry.pin) {
      entry.pin = await this.#deps.store.savePin(peer, identity, false);
    } else if (!sameKey(entry.pin, identity)) {
      if (entry.pin.verified) {
        entry.proposed = identity;
        this.#keyChanged(peer, entry);
        return false;
      }
      entry.pin = await this.#deps.store.savePin(peer, identity, false);
      entry.notice = true;
    }
    this.#keyChanged(peer, entry);
    return true;
  }

  /** How the last hello with `peer` ended. */
  outcome(peer: string, result: 'verified' | HelloFailure): void {
    const entry = this.#entries.get(peer) ?? this.#blank(peer);
    // `blocked` is a key change the conversation already shows, not a failed proof.
    const unverified = result !== 'verified' && result !== 'blocked';
    if (entry.connectionUnverified === unverified) return;
    entry.connectionUnverified = unverified;
    this.#deps.changed(peer);
  }

  /** The key the server hands out for `peer` (with presence): only ever compared, never trusted. */
  advertised(peer: string, identity: PublicIdentity | undefined): void {
    const entry = this.#entries.get(peer) ?? this.#blank(peer);
    entry.advertised = identity ?? null;
    const mismatch = identity !== undefined && entry.pin !== null && !sameKey(entry.pin, identity);
    if (mismatch === entry.serverKeyMismatch) return;
    entry.serverKeyMismatch = mismatch;
    this.#deps.changed(peer);
  }

  /** The person compared safety numbers: the current key (or the proposed one) is verified. */
  async markVerified(peer: string): Promise<void> {
    const entry = await this.#load(peer);
    const key = entry.proposed ?? entry.pin;
    if (!key) return;
    entry.pin = await this.#deps.store.savePin(peer, key, true);
    entry.proposed = null;
    entry.notice = false;
    this.#keyChanged(peer, entry);
  }

  /** The person accepts a verified contact's new key: pinned, unverified, traffic flows again. */
  async acceptNewKey(peer: string): Promise<void> {
    const entry = await this.#load(peer);
    if (!entry.proposed) return;
    entry.pin = await this.#deps.store.savePin(peer, entry.proposed, false);
    entry.proposed = null;
    entry.notice = false;
    this.#keyChanged(peer, entry);
  }

  /** The key in force may have changed: a number for another key is dropped; the UI is told. */
  #keyChanged(peer: string, entry: Entry): void {
    const key = (entry.proposed ?? entry.pin)?.key ?? null;
    if (entry.numbered !== key) {
      entry.safetyNumber = null;
      entry.numbered = null;
    }
    this.#deps.changed(peer);
  }

  /** Computes the safety number for the key in force unless known or under way; tells the UI. */
  #numberLater(peer: string, entry: Entry): void {
    const key = (entry.proposed ?? entry.pin)?.key;
    if (key === undefined || entry.numbered === key || entry.numbering === key) return;
    entry.numbering = key;
    safetyNumber(
      { id: this.#deps.me, key: hexToBytes(this.#deps.own.key) },
      { id: peer, key: hexToBytes(key) },
    )
      .then((digits) => {
        // The key changed meanwhile: the number for the new one is computed when next read.
        if ((entry.proposed ?? entry.pin)?.key !== key) return;
        entry.safetyNumber = digits;
        entry.numbered = key;
        this.#deps.changed(peer);
      })
      .catch((error: unknown) => console.warn(`parley: safety number for ${peer} failed`, error))
      .finally(() => {
        if (entry.numbering === key) entry.numbering = null;
      });
  }

  #blank(peer: string): Entry {
    const entry: Entry = {
      pin: null,
      proposed: null,
      notice: false,
      connectionUnverified: false,
      advertised: null,
      serverKeyMismatch: false,
      safetyNumber: null,
      numbered: null,
      numbering: null,
    };
    this.#entries.set(peer, entry);
    // Read the pin behind it; whatever the blank entry learned meanwhile stays.
    this.#loading.set(
      peer,
      this.#deps.store.pin(peer).then((pin) => {
        if (!entry.pin && pin) {
          entry.pin = pin;
          this.#keyChanged(peer, entry);
        }
        return entry;
      }),
    );
    return entry;
  }

  #load(peer: string): Promise<Entry> {
    if (!this.#entries.has(peer)) this.#blank(peer);
    return this.#loading.get(peer) as Promise<Entry>;
  }
}
