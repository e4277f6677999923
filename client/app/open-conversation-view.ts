/**
 * The open conversation as components read it (`messenger.openConversation`): the view the
 * conversation itself builds (`ActiveConversation.view`), plus what two other features know of it —
 * the contact's identity (identity/) and what a group's signed log says of its members (roster/).
 * It lives beside the composition root because it joins features that do not import each other.
 */
import type { OpenConversationView as ActiveView } from './conversations/active-conversation.js';
import type { IdentityBook, IdentityView } from './identity/identity-book.js';
import type { Directory } from './roster/directory.js';
import type { GroupLedger } from './roster/group-ledger.js';

/** The open conversation as components read it; direct conversations add the contact's identity. */
export interface OpenConversationView extends ActiveView {
  readonly identity: IdentityView | null;
  /** A group's membership proof; null for other conversations. */
  readonly membership?: GroupMembershipView | null;
}

/** What a group's signed log says of its members (roster/group-replay.ts). */
export interface GroupMembershipView {
  /** The group has a signed log; false: only the server's word (made before logs, or withheld). */
  readonly signed: boolean;
  /** Listed by the server but not admitted by the log: they get nothing and are not heard. */
  readonly unverified: readonly string[];
  /** Two signed histories of the group's membership were seen. */
  readonly forked: boolean;
}

export interface OpenConversationViewDeps {
  readonly directory: Directory;
  readonly identities: Pick<IdentityBook, 'view'>;
  readonly groupLog: Pick<GroupLedger, 'replayed'>;
}

/** `view` with the contact's identity (direct conversations) and the group's membership (groups). */
export function openConversationView(view: ActiveView, deps: OpenConversationViewDeps): OpenConversationView {
  return {
    ...view,
    identity: view.peer === null ? null : deps.identities.view(view.peer),
    membership: view.kind === 'group' ? membershipView(view.conversation, deps) : null,
  };
}

function membershipView(conversation: string, deps: OpenConversationViewDeps): GroupMembershipView {
  const { directory } = deps;
  const id = directory.group(conversation)?.id ?? '';
  return {
    signed: directory.isSigned(conversation),
    unverified: directory
      .listedMembers(conversation)
      .filter((user) => directory.memberStatus(conversation, user) === 'unverified'),
    forked: (deps.groupLog.replayed(id)?.forks.length ?? 0) > 0,
  };
}
