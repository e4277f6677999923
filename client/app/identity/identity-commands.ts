/**
 * What the person does about identities — compare, verify, accept a new key — as the UI sees it
 * (`messenger.identity`). The IdentityBook owns the pins; this only adds "then try the connection
 * again", which a verification unblocks.
 */
import type { PeerLinks } from '../peer-links.js';
import type { Directory } from '../roster/directory.js';
import type { DeviceKey } from './device-key.js';
import type { IdentityBook, IdentityView } from './identity-book.js';

export interface IdentityCommandsDeps {
  readonly key: DeviceKey;
  readonly book: IdentityBook;
  readonly directory: Directory;
  readonly links: Pick<PeerLinks, 'connect'>;
}

export class IdentityCommands {
  readonly #deps: IdentityCommandsDeps;

  constructor(deps: IdentityCommandsDeps) {
    this.#deps = deps;
  }

  /** This browser's public identity key, for the server to hand out as a hint. */
  get publicKey(): DeviceKey['identity'] {
    return this.#deps.key.identity;
  }

  /** What is known of `peer`'s identity (the open conversation carries it too). */
  of(peer: string): IdentityView {
    return this.#deps.book.view(peer);
  }

  /** The person compared safety numbers with `peer`: their key is verified; traffic flows again. */
  async markVerified(peer: string): Promise<void> {
    await this.#deps.book.markVerified(peer);
    this.#reconnect(peer);
  }

  /** The person accepts a verified contact's new key (unverified from now on); traffic flows again. */
  async acceptNewKey(peer: string): Promise<void> {
    await this.#deps.book.acceptNewKey(peer);
    this.#reconnect(peer);
  }

  #reconnect(peer: string): void {
    if (this.#deps.directory.isOnline(peer)) this.#deps.links.connect(peer);
  }
}
