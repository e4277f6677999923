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

export class ConversationSelectEvent extends Event {
  static readonly eventName = 'conversation-select';
  constructor(readonly peer: string) {
    super(ConversationSelectEvent.eventName, { bubbles: true, composed: true });
  }
}

export class MessageSendEvent extends Event {
  static readonly eventName = 'message-send';
  constructor(readonly text: string) {
    super(MessageSendEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Log out, or retry the server now. */
export class SessionActionEvent extends Event {
  static readonly eventName = 'session-action';
  constructor(readonly action: 'logout' | 'reconnect') {
    super(SessionActionEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'sign-in': SignInEvent;
    'conversation-select': ConversationSelectEvent;
    'message-send': MessageSendEvent;
    'session-action': SessionActionEvent;
  }
}
