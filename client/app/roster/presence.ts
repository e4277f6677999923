/**
 * What the signaling server says about people and groups — the welcome's snapshot, then who comes
 * online and goes offline, and group changes — and what that means for peer connections: connect
 * to a peer who came online when something needs them, drop the connection of one who left.
 * Other features hear of it through the callbacks given here, never by reaching into this class.
 */
import type { PublicIdentity } from '../../../shared/identity-protocol.js';
import type { Group, GroupInvite, IceServer, OnlineKey } from '../../../shared/protocol.js';
import type { PeerLinks } from '../peer-links.js';
import type { Directory } from './directory.js';

export interface PresenceDeps {
  readonly links: Pick<PeerLinks, 'isOpen' | 'connect'>;
  readonly directory: Directory;
  /** Forgets `peer`'s connection and stops retrying it (they went offline). */
  disconnect(peer: string): void;
  /** Whether something on screen or in motion needs `peer` now (its open conversation, a download). */
  neededNow(peer: string): boolean;
  /** Whether the outbox holds anything for `peer` (read from storage). */
  hasPending(peer: string): Promise<boolean>;
  /** `peer`'s connection is open already: send what waits for them. */
  deliverTo(peer: string): void;
  /** New members of `conversation` (or a new group) catch up from `peer`, who is connected. */
  catchUp(peer: string, conversation: string): void;
  /** The connection to `peer` is gone: what streamed over it stops. */
  connectionClosed(peer: string): void;
  /** The key the server hands out for `peer` (none: undefined): a hint, compared with their hello. */
  advertised(peer: string, identity: PublicIdentity | undefined): void;
  /** `conversation`'s members changed, or (`left`) this user is no longer in it. */
  groupChanged(conversation: string, left: boolean): void;
  changed(): void;
}

export class Presence {
  readonly #deps: PresenceDeps;
  #iceServers: readonly IceServer[] = [];

  constructor(deps: PresenceDeps) {
    this.#deps = deps;
  }

  /** The ICE servers of the last welcome, for new connections. */
  get iceServers(): IceServer[] {
    return [...this.#iceServers];
  }

  /** Whether the ICE servers include a TURN relay (`turn:` or `turns:`), so a blocked network can be passed. */
  get relayConfigured(): boolean {
    return this.#iceServers.some((server) =>
      [server.urls].flat().some((url) => url.startsWith('turn:') || url.startsWith('turns:')),
    );
  }

  /** Fresh ICE servers from the server (new TURN credentials): connections made from now on use them. */
  refreshIceServers(iceServers: readonly IceServer[]): void {
    this.#iceServers = [...iceServers];
  }

  /**
   * The server's welcome: who is online now (with the device keys the server hands out, when it
   * does), the user's groups, and the ICE servers to use.
   */
  welcome(
    online: readonly string[],
    groups: readonly Group[],
    iceServers: readonly IceServer[],
    keys: readonly OnlineKey[] = [],
  ): void {
    const { directory, links } = this.#deps;
    this.#iceServers = [...iceServers];
    const next = new Set(online.filter((name) => name !== directory.me));
    const advertised = new Map(keys.map(({ user, identity }) => [user, identity]));
    for (const peer of next) this.#deps.advertised(peer, advertised.get(peer));
    for (const peer of directory.online) {
      // A peer whose data channel is open is demonstrably there; the server may just have restarted.
      if (!next.has(peer) && !links.isOpen(peer)) this.#deps.disconnect(peer);
    }
    directory.setOnline(next);
    directory.setGroups(groups);
    // Those still waiting follow the welcome as `group-invite`s.
    directory.clearInvitations();
    for (const peer of next) this.#connectIfNeeded(peer);
    this.#deps.changed();
  }

  userOnline(peer: string, identity?: PublicIdentity): void {
    if (peer === this.#deps.directory.me) return;
    this.#deps.advertised(peer, identity);
    this.#deps.directory.addOnline(peer);
    this.#connectIfNeeded(peer);
    this.#deps.changed();
  }

  userOffline(peer: string): void {
    this.#deps.directory.removeOnline(peer);
    this.#deps.disconnect(peer);
    this.#deps.connectionClosed(peer);
    this.#deps.changed();
  }

  /** A group was created with this user in it, or changed. */
  groupUpdated(group: Group): void {
    const { directory, links } = this.#deps;
    directory.removeInvitation(group.id);
    const conversation = `group:${group.id}`;
    // Members as the directory counts them (by the group's signed log, where it has one): a name the
    // server slipped into its list is not connected to for the group.
    const before = new Set(directory.membersOf(conversation));
    const previous = directory.putGroup(group);
    for (const user of directory.membersOf(conversation)) {
      if (user === directory.me || !directory.isOnline(user)) continue;
      // New members (or a new group) catch up from whoever is connected.
      if (!before.has(user) || !previous) {
        if (links.isOpen(user)) this.#deps.catchUp(user, conversation);
        else links.connect(user);
      }
    }
    this.#deps.groupChanged(conversation, false);
    this.#deps.changed();
  }

  /** This user is invited to a group: it shows, to accept or decline; nothing connects for it. */
  invited(invitation: GroupInvite): void {
    this.#deps.directory.putInvitation(invitation);
    this.#deps.changed();
  }

  /** This user left a group, or declined it: it leaves the lists; its history stays on this device. */
  groupRemoved(groupId: string): void {
    this.#deps.directory.removeInvitation(groupId);
    this.#deps.directory.removeGroup(groupId);
    this.#deps.groupChanged(`group:${groupId}`, true);
    this.#deps.changed();
  }

  /**
   * `peer` is online: if their connection is open, deliver what waits; else connect when anything
   * needs them — a shared group (for catch-up), the open conversation, a download, the outbox.
   */
  #connectIfNeeded(peer: string): void {
    const { directory, links } = this.#deps;
    if (links.isOpen(peer)) {
      this.#deps.deliverTo(peer);
      return;
    }
    if (directory.sharesGroupWith(peer) || this.#deps.neededNow(peer)) {
      links.connect(peer);
      return;
    }
    void this.#deps.hasPending(peer).then((pending) => {
      if (pending && directory.isOnline(peer)) links.connect(peer);
    });
  }
}
