/**
 * Messengers of several users in one page: real IndexedDB stores and real RTCPeerConnections, with an
 * in-page relay in place of the signaling server (stamping `from`, as the server does). "Online" is
 * what each messenger was told: `join` with `groups` announces the newcomer as the server would;
 * without, the test tells each messenger itself.
 */
import { Messenger } from '../../../client/app/messenger.js';
import { PeerMesh } from '../../../client/net/peer-mesh.js';
import type { PeerLinkFactory } from '../../../client/net/peer-mesh.js';
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import type { AccountStore } from '../../../client/storage/account-store.js';
import type { AppFrame, SignalPayload } from '../../../shared/peer-protocol.js';
import { testGate } from './test-gate.js';
import type { TestKey } from './test-gate.js';
import type { ClientFrame, Group } from '../../../shared/protocol.js';

/** Whatever relayed signals reach: a messenger, or a bare PeerMesh a test drives as a hostile peer. */
export interface SignalTaker {
  handleSignal(from: string, data: unknown): void;
}

export interface JoinOptions {
  /** Announce the newcomer: it sees everyone in the room online with these groups, and they see it. */
  groups?: readonly Group[];
  createLink?: PeerLinkFactory;
  /** What the messenger sends the signaling server (its signed group changes); dropped if absent. */
  sendServer?: (frame: ClientFrame) => boolean;
  keepOutgoingFileBytes?: number;
  autoFetchBytes?: number;
}

export type RawPeer = PeerMesh & { received: AppFrame[] };

export class MessengerRoom {
  /** Who relayed signals reach, by user. */
  readonly members = new Map<string, SignalTaker>();
  readonly messengers = new Map<string, Messenger>();
  readonly stores = new Map<string, AccountStore>();
  readonly warnings: string[] = [];
  readonly #users = new Set<string>();
  /** Every messenger ever opened here, for `close` (a test may open a user twice, as a reload). */
  readonly #opened: Messenger[] = [];
  #waiters: Array<() => void> = [];
  readonly #raw: PeerMesh[] = [];

  /** A relay from `from`, as the server would carry its signals. */
  relay(from: string): (to: string, payload: SignalPayload) => boolean {
    return (to, payload) => {
      setTimeout(() => this.members.get(to)?.handleSignal(from, structuredClone(payload)), 0);
      return true;
    };
  }

  async join(me: string, options: JoinOptions = {}): Promise<Messenger> {
    const store = await openAccountStore(me);
    const messenger = await Messenger.open({
      me,
      store,
      sendSignal: this.relay(me),
      onChange: () => this.changed(),
      warn: (message) => this.warnings.push(`${me}: ${message}`),
      ...(options.createLink ? { createLink: options.createLink } : {}),
      ...(options.sendServer ? { sendServer: options.sendServer } : {}),
      ...(options.keepOutgoingFileBytes === undefined
        ? {}
        : { keepOutgoingFileBytes: options.keepOutgoingFileBytes }),
      ...(options.autoFetchBytes === undefined ? {} : { autoFetchBytes: options.autoFetchBytes }),
    });
    this.members.set(me, messenger.server);
    this.messengers.set(me, messenger);
    this.stores.set(me, store);
    this.#users.add(me);
    this.#opened.push(messenger);
    if (options.groups) {
      const online = [...this.messengers.keys()].filter((user) => user !== me);
      messenger.server.welcome(online, options.groups, []);
      for (const user of online) this.messengers.get(user)?.server.userOnline(me);
    }
    return messenger;
  }

  /** `me` closes the page: the others see them go offline. */
  leave(me: string): void {
    this.messengers.get(me)?.close();
    this.members.delete(me);
    this.messengers.delete(me);
    this.stores.delete(me);
    for (const other of this.messengers.values()) other.server.userOffline(me);
  }

  changed(): void {
    this.#waiters.splice(0).forEach((wake) => wake());
  }

  /**
   * Resolves once `condition` holds, checked again on every change any messenger reports. The waiter
   * is registered before the condition is read: a change while an async condition is being read
   * would otherwise be missed, and the wait would hang.
   */
  async until(condition: () => boolean | Promise<boolean>): Promise<void> {
    for (;;) {
      const changed = new Promise<void>((wake) => this.#waiters.push(wake));
      if (await condition()) return;
      await changed;
    }
  }

  /**
   * A hostile peer: a bare mesh named `me`, connected to `to`, free to send any frame down the data
   * channel; keeps what it receives in `received`. Its hello proves `key` (a fresh one if not given),
   * which is then pinned for `me` by `to`: messages signed with it are `me`'s.
   */
  async rawPeer(me: string, to: string, key?: TestKey): Promise<RawPeer> {
    const received: AppFrame[] = [];
    // A hostile peer still has a device key: the hello passes, what follows is what is tested.
    const gate = await testGate(me, key);
    let mesh!: PeerMesh;
    await new Promise<void>((resolve) => {
      mesh = new PeerMesh(
        { me, gate, iceServers: () => [] },
        {
          sendSignal: (peer, payload) => void this.relay(me)(peer, payload),
          onOpen: () => resolve(),
          onClose: () => undefined,
          onFrame: (_peer, frame) => {
            received.push(frame);
            this.changed();
          },
          onBadInput: () => undefined,
        },
      );
      this.members.set(me, mesh);
      this.#raw.push(mesh);
      mesh.want(to);
    });
    return Object.assign(mesh, { received });
  }

  /**
   * Resolves once `peer` was answered every id of `ids` — acked as taken, or as refused — in the
   * frames it received from the `from`-th on (take `peer.received.length` before sending): the
   * frames carrying them were handled. Resolves to the ids refused.
   */
  async answered(peer: RawPeer, ids: readonly string[], from = 0): Promise<Set<string>> {
    const refused = new Set<string>();
    await this.until(() => {
      const acks = peer.received.slice(from).flatMap((frame) => (frame.type === 'ack' ? [frame] : []));
      const got = new Set(acks.flatMap((ack) => [...ack.ids, ...(ack.refused ?? [])]));
      for (const ack of acks) for (const id of ack.refused ?? []) refused.add(id);
      return ids.every((id) => got.has(id));
    });
    return refused;
  }

  async close(): Promise<void> {
    for (const mesh of this.#raw) mesh.closeAll();
    for (const messenger of this.#opened) messenger.close();
    await Promise.all([...this.#users].map((user) => deleteAccountStore(user)));
  }
}
