/**
 * What the signaling server tells a signed-in messenger (`messenger.server`): the welcome, presence
 * deltas, fresh ICE servers, group changes and invitations, and relayed set-up signals. It exists so
 * the session (`AppStore`) has one narrow object to feed each server frame to, apart from the
 * commands the UI calls; it forwards each event to the feature that owns it and holds no state.
 * A group's signed log is fed to `messenger.groupLog` itself, which also signs this user's changes.
 */
import type { PublicIdentity } from '../../shared/identity-protocol.js';
import type { Group, GroupInvite, IceServer, OnlineKey } from '../../shared/protocol.js';
import type { PeerMesh } from '../net/peer-mesh.js';
import type { ActiveConversation } from './conversations/active-conversation.js';
import type { GroupLedger } from './roster/group-ledger.js';
import type { Presence } from './roster/presence.js';

export interface ServerEventsDeps {
  readonly presence: Pick<
    Presence,
    | 'welcome'
    | 'refreshIceServers'
    | 'userOnline'
    | 'userOffline'
    | 'groupUpdated'
    | 'invited'
    | 'groupRemoved'
  >;
  readonly active: Pick<ActiveConversation, 'presenceChanged'>;
  readonly groupLog: Pick<GroupLedger, 'forget'>;
  readonly mesh: Pick<PeerMesh, 'handleSignal'>;
}

export class ServerEvents {
  readonly #deps: ServerEventsDeps;

  constructor(deps: ServerEventsDeps) {
    this.#deps = deps;
  }

  /** The server's `welcome`: who is online now, the user's groups, and the ICE servers to use. */
  welcome(
    online: readonly string[],
    groups: readonly Group[],
    iceServers: readonly IceServer[],
    keys?: readonly OnlineKey[],
  ): void {
    this.#deps.presence.welcome(online, groups, iceServers, keys);
  }

  /** The server's `ice-servers`: fresh TURN credentials for the connections made from now on. */
  iceServersRefreshed(iceServers: readonly IceServer[]): void {
    this.#deps.presence.refreshIceServers(iceServers);
  }

  /** The server's `user-online`, with the key the server hands out for the peer, if any. */
  userOnline(peer: string, identity?: PublicIdentity): void {
    this.#deps.active.presenceChanged();
    this.#deps.presence.userOnline(peer, identity);
  }

  /** The server's `user-offline`: the peer's connection is dropped. */
  userOffline(peer: string): void {
    this.#deps.active.presenceChanged();
    this.#deps.presence.userOffline(peer);
  }

  /** A group was created with this user in it, or changed. */
  groupUpdated(group: Group): void {
    this.#deps.presence.groupUpdated(group);
  }

  /** This user is invited to a group: it is listed, marked, until they accept or decline. */
  groupInvited(invitation: GroupInvite): void {
    this.#deps.presence.invited(invitation);
  }

  /** This user left (or declined) a group: it leaves the lists; its history stays on this device. */
  groupRemoved(groupId: string): void {
    this.#deps.groupLog.forget(groupId);
    this.#deps.presence.groupRemoved(groupId);
  }

  /** A set-up signal another user sent through the server (`from` stamped by the server). */
  handleSignal(from: string, data: unknown): void {
    this.#deps.mesh.handleSignal(from, data);
  }
}
