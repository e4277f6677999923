/**
 * What the person sends to the conversation on screen (`ActiveConversation.sending`): text, a reply,
 * an edit or deletion of their own message, files, a voice clip, a reaction. Each command checks its
 * input, brings the newest page back when an older window is shown, and hands the message to
 * delivery, which shows it as it is stored. It is apart from `ActiveConversation`, which owns which
 * conversation is open and which of its messages are in view, and lends it the three things a
 * command needs of that (`OnScreen`).
 */
import { ErrorCode, ProtocolError } from '../../../shared/errors.js';
import { VoiceInfo } from '../../../shared/file-protocol.js';
import { ReactionEmoji } from '../../../shared/peer-protocol.js';
import { randomHex } from '../../net/random-id.js';
import type { AccountStore } from '../../storage/account-store.js';
import type { StoredMessage } from '../../storage/stored-message.js';
import type { TypingIndicator } from '../attention/typing-indicator.js';
import type { FileTransfers } from '../files/file-transfers.js';
import type { ConversationList } from '../roster/conversation-list.js';
import type { Directory } from '../roster/directory.js';
// A voice clip is sent as a file named the way the recorder names it: one rule, kept in voice/.
// eslint-disable-next-line no-restricted-imports
import { voiceFileName } from '../voice/voice-recording.js';
import { checkText, sendDeletion, sendEdit } from './own-changes.js';
import type { OpenConversation } from './open-conversation.js';
import type { OutboxDelivery } from './outbox-delivery.js';

/** What a command needs of the conversation on screen (`ActiveConversation`). */
export interface OnScreen {
  /** The open conversation; throws `TypeError` when none is. */
  requireOpen(): OpenConversation;
  /** Brings the newest page back when `open` shows a window of older messages. */
  toNewest(open: OpenConversation): Promise<void>;
  /** A stored message changed what `open` shows. */
  shown(open: OpenConversation, message: StoredMessage): void;
}

export interface ConversationSendingDeps {
  readonly directory: Pick<Directory, 'me'>;
  readonly store: Pick<AccountStore, 'getMessage' | 'redactions'>;
  readonly list: Pick<ConversationList, 'active'>;
  readonly delivery: Pick<OutboxDelivery, 'send' | 'recipientsOf'>;
  readonly files: Pick<FileTransfers, 'describe' | 'addOutgoing'>;
  readonly typing: Pick<TypingIndicator, 'sent'>;
}

export class ConversationSending {
  readonly #deps: ConversationSendingDeps;
  readonly #screen: OnScreen;
  /** Settles once this user's previous reaction is shown, so the next toggle sees it. */
  #reacting: Promise<void> = Promise.resolve();

  constructor(deps: ConversationSendingDeps, screen: OnScreen) {
    this.#deps = deps;
    this.#screen = screen;
  }

  /**
   * Sends `text`; with `replyTo`, as a reply to that message of the conversation. Throws
   * `ProtocolError` for text the protocol refuses.
   */
  async send(text: string, options: { replyTo?: string } = {}): Promise<void> {
    const open = this.#screen.requireOpen();
    checkText(text);
    const { replyTo } = options;
    if (replyTo !== undefined && !open.shows(replyTo)) throw new TypeError(`no message ${replyTo} is shown`);
    const { conversation } = open;
    await this.#screen.toNewest(open);
    this.#deps.list.active(conversation);
    this.#deps.typing.sent(conversation);
    const body = replyTo === undefined ? { text } : { text, replyTo };
    await this.#deps.delivery.send(conversation, body, (message) => this.#screen.shown(open, message));
  }

  /**
   * **Edit**: replaces the text of this user's message `target` for every member. Throws
   * `ProtocolError` for text the protocol refuses, `TypeError` for a message that is not ours.
   */
  async edit(target: string, text: string): Promise<void> {
    const open = this.#requireOwn(target);
    await sendEdit(this.#deps, open.conversation, target, text, (message) =>
      this.#screen.shown(open, message),
    );
  }

  /**
   * **Delete for everyone**: this user's message `target` is removed from every member's storage
   * (a signed tombstone travels like any message) and from this browser's at once.
   */
  async deleteForEveryone(target: string): Promise<void> {
    const open = this.#requireOwn(target);
    await sendDeletion(this.#deps, open.conversation, target, (message) => this.#screen.shown(open, message));
  }

  /** Sends each file, one message per file, in the order given. */
  async sendFiles(files: readonly File[]): Promise<void> {
    const open = this.#screen.requireOpen();
    for (const file of files) await this.#sendFile(open, file, null);
  }

  /**
   * Sends a recorded voice clip: a file whose offer also carries its duration and waveform peaks.
   * Throws `ProtocolError` for values the protocol refuses.
   */
  async sendVoice(blob: Blob, durationMs: number, peaks: readonly number[]): Promise<void> {
    const open = this.#screen.requireOpen();
    const voice = VoiceInfo.safeParse({ durationMs, peaks: [...peaks] });
    if (!voice.success) throw new ProtocolError(ErrorCode.BadFrame, voice.error.message);
    const file = new File([blob], voiceFileName(blob.type), { type: blob.type });
    await this.#sendFile(open, file, voice.data);
  }

  /**
   * Toggles this user's `emoji` on message `target`: on if it is not on now, else off. Throws
   * `ProtocolError` for something that is not one emoji. A reaction is not news: the conversation
   * is not made active by it.
   */
  async react(target: string, emoji: string): Promise<void> {
    const open = this.#screen.requireOpen();
    if (!open.shows(target)) throw new TypeError(`no message ${target} is shown`);
    const checked = ReactionEmoji.safeParse(emoji);
    if (!checked.success) throw new ProtocolError(ErrorCode.BadFrame, checked.error.message);
    const previous = this.#reacting;
    let shown = (): void => undefined;
    this.#reacting = new Promise<void>((resolve) => (shown = resolve));
    try {
      await previous;
      const on = !open.reactedByMe(target, emoji);
      await this.#deps.delivery.send(open.conversation, { reaction: { target, emoji, on } }, (message) => {
        this.#screen.shown(open, message);
        shown();
      });
    } finally {
      shown();
    }
  }

  /** The open conversation, which shows `target`, a message of this user's. */
  #requireOwn(target: string): OpenConversation {
    const open = this.#screen.requireOpen();
    if (open.authorOf(target) !== this.#deps.directory.me)
      throw new TypeError(`message ${target} is not ours`);
    return open;
  }

  async #sendFile(open: OpenConversation, file: File, voice: VoiceInfo | null): Promise<void> {
    const { conversation } = open;
    const { files, delivery } = this.#deps;
    await this.#screen.toNewest(open);
    const info = await files.describe(file);
    if (voice) info.voice = voice;
    const id = randomHex(16);
    // Registered before the offer goes out, so a request that comes straight back finds the file.
    files.addOutgoing(id, conversation, info, file, delivery.recipientsOf(conversation));
    this.#deps.list.active(conversation);
    await delivery.send(conversation, { file: info }, (message) => this.#screen.shown(open, message), id);
  }
}
