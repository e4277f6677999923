/**
 * Where each frame from the signaling server goes, as one exhaustive switch: presence, signals, ICE
 * servers, group changes and invitations to the messenger (`messenger.server`), a group's signed log
 * to `messenger.groupLog`, the answers to group requests to the group commands that asked, and the
 * session's own frames (welcome, logged-out, error) back to `AppStore`. It exists so the store keeps
 * the session — sign-in, its token, the messenger's lifetime — and this file the routing.
 */
import type { ErrorFrame, WelcomeFrame } from '../../../shared/protocol.js';
import type { SignalingFrame } from '../../net/signaling-client.js';
import type { Messenger } from '../messenger.js';
import type { GroupCommands } from '../roster/group-commands.js';

/** Where `routeServerFrame` sends what it does not route itself (`AppStore`). */
export interface FrameTargets {
  /** The signed-in user's messenger; null while signed out or while the local history opens. */
  messenger(): Messenger | null;
  readonly groups: Pick<GroupCommands, 'requests'>;
  welcome(frame: WelcomeFrame): Promise<void>;
  /** The server revoked this session's token (`logged-out`). */
  loggedOut(): void;
  error(frame: ErrorFrame): void;
  /** Something visible changed. */
  changed(): void;
}

/** Hands `frame` to whoever handles it; settles once it is handled (the welcome opens history). */
export async function routeServerFrame(frame: SignalingFrame, to: FrameTargets): Promise<void> {
  const messenger = to.messenger();
  switch (frame.type) {
    case 'welcome':
      return to.welcome(frame);
    case 'user-online':
      messenger?.server.userOnline(frame.user, frame.identity);
      return;
    case 'user-offline':
      messenger?.server.userOffline(frame.user);
      return;
    case 'users-offline':
      for (const user of frame.users) messenger?.server.userOffline(user);
      return;
    case 'signal':
      messenger?.server.handleSignal(frame.from, frame.data);
      return;
    case 'logged-out':
      to.loggedOut();
      return;
    case 'ice-servers':
      messenger?.server.iceServersRefreshed(frame.iceServers);
      return;
    case 'group-update': {
      if (!messenger) return;
      const isNew = !messenger.directory.group(`group:${frame.group.id}`);
      messenger.server.groupUpdated(frame.group);
      const answer = to.groups.requests.updated(frame.group, isNew, messenger.me);
      if (!answer.settled) return;
      // This user's own changes are signed into the group's log (roster/group-ledger.ts).
      if (answer.command?.type === 'group-create' && answer.created) {
        messenger.groupLog.created(answer.created, answer.command.members);
      }
      if (answer.command?.type === 'group-accept') messenger.groupLog.accepted(frame.group.id);
      // The group this user just created opens, as a person who made it would expect.
      if (answer.created) await messenger.selectConversation(`group:${answer.created.id}`);
      to.changed();
      return;
    }
    case 'group-invite':
      messenger?.server.groupInvited(frame);
      to.changed();
      return;
    case 'group-removed':
      messenger?.server.groupRemoved(frame.group);
      to.groups.requests.removed(frame.group);
      to.changed();
      return;
    case 'group-log':
      await messenger?.groupLog.received(frame.group, frame.entries);
      to.changed();
      return;
    case 'error':
      to.error(frame);
      return;
    default: {
      const unreachable: never = frame;
      return unreachable;
    }
  }
}
