/**
 * How the features of a signed-in session meet: the one place each is built and handed what it
 * needs by name — the peer port (`peer-links.ts`), the directory, the store, and callbacks to the
 * features it reports to. `Messenger` (the object components read) calls it once and keeps what
 * it returns. It exists so the messenger's file is its public surface, and this one the wiring,
 * each under ~400 lines; the wiring stays whole here, so how the features meet is read in one place.
 * Callbacks name features built further down: none runs before everything exists (the mesh's only
 * once something connects).
 */
import { groupConversationId } from '../../shared/peer-protocol.js';
import type { SignalPayload } from '../../shared/peer-protocol.js';
import type { ClientFrame } from '../../shared/protocol.js';
import { PeerMesh } from '../net/peer-mesh.js';
import type { PeerLinkFactory } from '../net/peer-mesh.js';
import type { AccountStore } from '../storage/account-store.js';
import { FileStore } from '../storage/file-store.js';
import { UnaskedLedger } from '../storage/unasked-ledger.js';
import { NotificationSettings } from './attention/notification-settings.js';
import { Notifier } from './attention/notifier.js';
import { ReadReceipts } from './attention/read-receipts.js';
import { TypingIndicator } from './attention/typing-indicator.js';
import { ActiveConversation } from './conversations/active-conversation.js';
import { GroupSync } from './conversations/group-sync.js';
import { Inbox } from './conversations/inbox.js';
import { OutboxDelivery } from './conversations/outbox-delivery.js';
import { FetchPolicy } from './files/fetch-policy.js';
import { FileCommands } from './files/file-commands.js';
import { FileTransfers } from './files/file-transfers.js';
import { MessageHistory } from './history/message-history.js';
import type { DeviceKey } from './identity/device-key.js';
import { GroupEntryVerifier } from './identity/group-signing.js';
import { IdentityBook } from './identity/identity-book.js';
import { IdentityCommands } from './identity/identity-commands.js';
import { PeerInbound } from './peer-inbound.js';
import { peerLinks } from './peer-links.js';
import { ConnectPolicy } from './roster/connect-policy.js';
import { ConversationList } from './roster/conversation-list.js';
import { ConversationLists } from './roster/conversation-lists.js';
import { Directory } from './roster/directory.js';
import { GroupLedger } from './roster/group-ledger.js';
import { Presence } from './roster/presence.js';
import { ServerEvents } from './server-events.js';
import { consoleWarn } from './warn.js';
import type { Warn } from './warn.js';

export interface MessengerOptions {
  me: string;
  store: AccountStore;
  /** Relays a set-up signal through the signaling server; false when it is unreachable. */
  sendSignal(to: string, payload: SignalPayload): boolean;
  /** Sends a frame to the signaling server (signed group changes); false when it is unreachable. */
  sendServer?(frame: ClientFrame): boolean;
  onChange(): void;
  createLink?: PeerLinkFactory;
  /** Test only: `relay` sends every connection through TURN (see `PeerMeshOptions`). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Own files up to this size are kept in storage, to survive a reload; tests lower it. */
  keepOutgoingFileBytes?: number;
  /** Incoming files up to this size come without asking from people this user talked to (`AUTO_FETCH_BYTES`). */
  autoFetchBytes?: number;
  /** Where warnings about bad peer input go. */
  warn?: Warn;
}

/** What the wiring asks of the messenger that owns it. */
export interface MessengerHooks {
  /** Something visible changed (the messenger drops it once closed). */
  changed(): void;
  /** Opens a conversation, as the person would (a notification was clicked). */
  select(conversation: string): Promise<void>;
  /** Reads the stored conversation lists (unread, muted) again: after an import. */
  loadConversations(): Promise<void>;
}

/** Every feature of a session, built and wired. */
export interface MessengerFeatures {
  readonly directory: Directory;
  readonly list: ConversationList;
  readonly lists: ConversationLists;
  readonly identities: IdentityBook;
  /** Who may make this browser answer a connection (strangers: relayed, rate-limited). */
  readonly policy: ConnectPolicy;
  readonly mesh: PeerMesh;
  readonly identity: IdentityCommands;
  readonly delivery: OutboxDelivery;
  readonly transfers: FileTransfers;
  readonly fileCommands: FileCommands;
  readonly sync: GroupSync;
  readonly notifier: Notifier;
  readonly notifications: NotificationSettings;
  readonly typing: TypingIndicator;
  readonly active: ActiveConversation;
  readonly history: MessageHistory;
  readonly presence: Presence;
  readonly groupLog: GroupLedger;
  readonly inbound: PeerInbound;
  readonly server: ServerEvents;
}

/** Builds the features of `options.me`'s session on its store, signing with `key`. */
export function wireMessenger(
  options: MessengerOptions,
  key: DeviceKey,
  hooks: MessengerHooks,
): MessengerFeatures {
  const { me, store } = options;
  const warn = options.warn ?? consoleWarn;
  const { changed } = hooks;
  const directory = new Directory(me);
  const list = new ConversationList(directory);
  const lists = new ConversationLists(directory, list);
  const identities = new IdentityBook({
    me,
    own: key.identity,
    store: store.identity,
    changed: () => {
      // A key pinned or changed: group changes are checked against it from now on.
      void groupLog.refresh();
      changed();
    },
  });
  const policy = new ConnectPolicy({
    me,
    sharesGroupWith: (peer) => directory.sharesGroupWith(peer),
    verified: (peer) => identities.view(peer).verified,
    relayConfigured: () => presence.relayConfigured,
    warn,
  });
  // The mesh's handlers run only once something connects, after every feature below exists.
  const mesh = new PeerMesh(
    {
      me,
      gate: identities.gate(key, warn),
      iceServers: () => presence.iceServers,
      answerPolicy: policy,
      ...(options.createLink ? { createLink: options.createLink } : {}),
      ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
    },
    {
      sendSignal: (to, payload) => void options.sendSignal(to, payload),
      onOpen: (peer) => inbound.opened(peer),
      onClose: (peer) => {
        inbound.closed(peer);
        changed();
      },
      onFrame: (peer, frame) => inbound.frame(peer, frame),
      onChunk: (peer, data) => inbound.chunk(peer, data),
      onBadInput: (peer, error) => warn(`bad input from ${peer}: ${error.message}`),
      onStateChange: (peer) => {
        if (active.isOpen(directory.direct(peer))) changed();
      },
    },
  );
  const links = peerLinks(mesh, warn);
  const identity = new IdentityCommands({ key, book: identities, directory, links });
  const delivery = new OutboxDelivery({
    links,
    directory,
    store,
    key,
    updated: (message) => active.upsert(message),
  });
  const transfers = new FileTransfers({
    links,
    directory,
    files: store.files,
    changed: (id) => {
      if (active.fileChanged(id)) changed();
    },
    freeBytes: () => FileStore.freeBytes(),
    fetchPolicy: new FetchPolicy({
      ledger: new UnaskedLedger(me),
      ...(options.autoFetchBytes === undefined ? {} : { autoFetchBytes: options.autoFetchBytes }),
      // In a group this user is in (accepted), or after this user wrote to the author directly.
      talkedTo: async (author, conversation) =>
        directory.kindOf(conversation) === 'group' || (await store.nextSeq(directory.direct(author))) > 1,
    }),
    ...(options.keepOutgoingFileBytes === undefined
      ? {}
      : { keepOutgoingBytes: options.keepOutgoingFileBytes }),
  });
  const fileCommands = new FileCommands(transfers, store);
  const inbox = new Inbox({
    links,
    directory,
    store,
    verifier: identities.verifier,
    list,
    fileArrived: (message) => transfers.incoming(message),
    notify: (conversation, messages) => notifier.notify(conversation, messages),
    typingStopped: (conversation, author) => typing.stopped(conversation, author),
    open: () => active.current,
    visible: () => active.visible,
    seen: () => active.reportSeen(),
    changed,
  });
  const sync = new GroupSync({ links, directory, store, inbox, delivery });
  const notifier = new Notifier({
    kindOf: (conversation) => directory.kindOf(conversation),
    title: (conversation) => directory.title(conversation),
    open: (conversation) => hooks.select(conversation),
    changed,
    warn,
  });
  const notifications = new NotificationSettings(notifier, store);
  const typing = new TypingIndicator({
    links,
    directory,
    changed: (conversation) => {
      if (active.isOpen(conversation)) changed();
    },
  });
  const receipts = new ReadReceipts({
    links,
    directory,
    store,
    updated: (message) => {
      active.upsert(message);
      changed();
    },
  });
  const active: ActiveConversation = new ActiveConversation({
    links,
    relayConfigured: () => presence.relayConfigured,
    directory,
    store,
    list,
    delivery,
    files: transfers,
    typing,
    receipts,
    notifier,
    changed,
  });
  const history = new MessageHistory({
    store,
    directory,
    reload: async () => {
      await hooks.loadConversations();
      changed();
    },
  });
  const presence: Presence = new Presence({
    links,
    directory,
    disconnect: (peer) => mesh.peerOffline(peer),
    neededNow: (peer) => active.isOpen(directory.direct(peer)) || transfers.waitsFor(peer),
    hasPending: (peer) => delivery.hasPending(peer),
    deliverTo: (peer) => void delivery.flush(peer).then(changed),
    catchUp: (peer, conversation) => void sync.announce(peer, [conversation]),
    connectionClosed: (peer) => inbound.closed(peer),
    groupChanged: (conversation, left) => active.groupChanged(conversation, left),
    advertised: (peer, identity) => {
      identities.advertised(peer, identity);
      void groupLog.refresh();
    },
    changed,
  });
  const groupLog = new GroupLedger({
    directory,
    key,
    verifier: new GroupEntryVerifier((user) => identities.groupKey(user)),
    send: (frame) => options.sendServer?.(frame) ?? false,
    admittedChanged: (id, added) => {
      const conversation = groupConversationId(id);
      // Newly admitted members catch up (and are caught up) like members the server added.
      for (const user of added) {
        if (user === me || !directory.isOnline(user)) continue;
        if (links.isOpen(user)) void sync.announce(user, [conversation]);
        else links.connect(user);
      }
      active.groupChanged(conversation, false);
      changed();
    },
    forked: (id) => {
      warn(`group ${id}: its membership log forked; members were shown different histories`);
      changed();
    },
    warn,
  });
  const inbound = new PeerInbound({
    inbox,
    delivery,
    sync,
    typing,
    receipts,
    files: transfers,
    reportSeen: () => active.reportSeen(),
    changed,
    warn,
  });
  const server = new ServerEvents({
    presence,
    active,
    groupLog,
    mesh,
  });
  return {
    directory,
    list,
    lists,
    identities,
    policy,
    mesh,
    identity,
    delivery,
    transfers,
    fileCommands,
    sync,
    notifier,
    notifications,
    typing,
    active,
    history,
    presence,
    groupLog,
    inbound,
    server,
  };
}
