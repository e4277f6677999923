/** The typed events components fire on user action. Each bubbles and crosses shadow roots. */

export class SignInEvent extends Event {
  static readonly eventName = 'sign-in';
  constructor(
    readonly mode: 'login' | 'register',
    readonly username: string,
    readonly password: string,
  ) {
    super(SignInEvent.eventName, { bubbles: true, composed: true });
  }
}

/** **Reload**: let the waiting new build of Parley take over, and reload with it. */
export class AppReloadEvent extends Event {
  static readonly eventName = 'app-reload';
  constructor() {
    super(AppReloadEvent.eventName, { bubbles: true, composed: true });
  }
}

/** **Back** (phone width): close the open conversation and show the lists again. */
export class ConversationCloseEvent extends Event {
  static readonly eventName = 'conversation-close';
  constructor() {
    super(ConversationCloseEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * A person's, a group's or the Lobby's conversation was chosen, by conversation id; with `at`, to
 * be opened at that message (a search result).
 */
export class ConversationSelectEvent extends Event {
  static readonly eventName = 'conversation-select';
  constructor(
    readonly conversation: string,
    readonly at?: string,
  ) {
    super(ConversationSelectEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Create a group (`group` null) or add members to one. */
export class GroupMembersEvent extends Event {
  static readonly eventName = 'group-members';
  constructor(
    readonly group: string | null,
    readonly name: string,
    readonly members: readonly string[],
  ) {
    super(GroupMembersEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Open the New group / Add members dialog, or leave the open group. */
export class GroupActionEvent extends Event {
  static readonly eventName = 'group-action';
  constructor(readonly action: 'new-group' | 'add-members' | 'leave-group') {
    super(GroupActionEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The person answered the invitation to group `groupId`: **Accept** or **Decline**. */
export class InvitationAnswerEvent extends Event {
  static readonly eventName = 'invitation-answer';
  constructor(
    readonly groupId: string,
    readonly accept: boolean,
  ) {
    super(InvitationAnswerEvent.eventName, { bubbles: true, composed: true });
  }
}

export class MessageSendEvent extends Event {
  static readonly eventName = 'message-send';
  /** `replyTo`: the message it answers (**Reply**); absent: not a reply. */
  constructor(
    readonly text: string,
    readonly replyTo?: string,
  ) {
    super(MessageSendEvent.eventName, { bubbles: true, composed: true });
  }
}

/** **Reply**, **Edit** or **Delete for everyone** on message `messageId`. */
export class MessageActionEvent extends Event {
  static readonly eventName = 'message-action';
  constructor(
    readonly action: 'reply' | 'edit' | 'delete',
    readonly messageId: string,
  ) {
    super(MessageActionEvent.eventName, { bubbles: true, composed: true });
  }
}

/** A reply's quote was activated: show the message it answers, `messageId`, wherever it is. */
export class MessageShowEvent extends Event {
  static readonly eventName = 'message-show';
  constructor(readonly messageId: string) {
    super(MessageShowEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The composer, editing message `messageId`, sends its new `text`. */
export class MessageEditEvent extends Event {
  static readonly eventName = 'message-edit';
  constructor(
    readonly messageId: string,
    readonly text: string,
  ) {
    super(MessageEditEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Files chosen with **Attach file**, dropped on the conversation or pasted: send each to it. */
export class FilesChosenEvent extends Event {
  static readonly eventName = 'files-chosen';
  constructor(readonly files: readonly File[]) {
    super(FilesChosenEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * A person acted on a file message `id`: fetch it (only offered), cancel its transfer, save it, try
 * again, or (the sender, after a reload) give the file again as `file`.
 */
export class FileActionEvent extends Event {
  static readonly eventName = 'file-action';
  constructor(
    readonly id: string,
    readonly action: 'download' | 'cancel' | 'save' | 'retry' | 'choose-again',
    readonly file: File | null = null,
  ) {
    super(FileActionEvent.eventName, { bubbles: true, composed: true });
  }
}

/** A voice message was recorded: send it to the open conversation. */
export class VoiceRecordedEvent extends Event {
  static readonly eventName = 'voice-recorded';
  constructor(
    readonly blob: Blob,
    readonly durationMs: number,
    readonly peaks: readonly number[],
  ) {
    super(VoiceRecordedEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Toggle this user's `emoji` on message `messageId` (chosen from a message's reactions or its menu). */
export class ReactionEvent extends Event {
  static readonly eventName = 'reaction';
  constructor(
    readonly messageId: string,
    readonly emoji: string,
  ) {
    super(ReactionEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * The log was scrolled to its `older` (top) or `newer` (bottom) end while storage holds more there:
 * read the next page of the open conversation.
 */
export class MessagesPageEvent extends Event {
  static readonly eventName = 'messages-page';
  constructor(readonly direction: 'older' | 'newer') {
    super(MessagesPageEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The person typed in the open conversation's **Message** box (its members may be told). */
export class MessageTypingEvent extends Event {
  static readonly eventName = 'message-typing';
  constructor(readonly conversation: string) {
    super(MessageTypingEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The **Mute** toggle: silence the notifications of a conversation, or not. */
export class ConversationMuteEvent extends Event {
  static readonly eventName = 'conversation-mute';
  constructor(
    readonly conversation: string,
    readonly muted: boolean,
  ) {
    super(ConversationMuteEvent.eventName, { bubbles: true, composed: true });
  }
}

/** **Enable notifications**: ask the browser for permission to show them. */
export class NotificationsEnableEvent extends Event {
  static readonly eventName = 'notifications-enable';
  constructor() {
    super(NotificationsEnableEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Log out, or retry the server now. */
export class SessionActionEvent extends Event {
  static readonly eventName = 'session-action';
  constructor(readonly action: 'logout' | 'reconnect') {
    super(SessionActionEvent.eventName, { bubbles: true, composed: true });
  }
}

/** A dialog was dismissed by the person (Cancel or Escape). */
export class DialogCloseEvent extends Event {
  static readonly eventName = 'dialog-close';
  constructor() {
    super(DialogCloseEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'sign-in': SignInEvent;
    'conversation-select': ConversationSelectEvent;
    'conversation-close': ConversationCloseEvent;
    'app-reload': AppReloadEvent;
    'message-send': MessageSendEvent;
    'message-action': MessageActionEvent;
    'message-edit': MessageEditEvent;
    'message-show': MessageShowEvent;
    'session-action': SessionActionEvent;
    'group-members': GroupMembersEvent;
    'group-action': GroupActionEvent;
    'invitation-answer': InvitationAnswerEvent;
    'dialog-close': DialogCloseEvent;
    'files-chosen': FilesChosenEvent;
    'file-action': FileActionEvent;
    'message-typing': MessageTypingEvent;
    'conversation-mute': ConversationMuteEvent;
    'notifications-enable': NotificationsEnableEvent;
    reaction: ReactionEvent;
    'messages-page': MessagesPageEvent;
    'voice-recorded': VoiceRecordedEvent;
  }
}
