/**
 * System notifications of new messages (the UI contract: `new Notification(title, { body })`, title
 * the author's or the group's name, body a preview) and the per-conversation mute that silences
 * them. Whether a message deserves one — hidden page, conversation not on screen — is the
 * messenger's call; this decides only what it says, whether it may, and what clicking it does.
 */
import { msg, str } from '@lit/localize';
import { safeFileName } from '../../../shared/file-protocol.js';
import type { ChatMessage } from '../../../shared/peer-protocol.js';
import type { ConversationKind } from '../roster/directory.js';

/** The browser's permission, or `unsupported` where there is no Notification API at all. */
export type NotificationPermissionState = NotificationPermission | 'unsupported';

/** How many characters of a message a notification shows. */
export const PREVIEW_LENGTH = 120;

export interface NotifierDeps {
  kindOf(conversation: string): ConversationKind | null;
  /** The conversation's name: the person's for a direct one, else the group's (or `Lobby`). */
  title(conversation: string): string;
  /** Opens the conversation (a notification was clicked). */
  open(conversation: string): Promise<void>;
  /** The permission or the mutes changed: the UI may show it. */
  changed(): void;
  warn(message: string, error?: unknown): void;
  /**
   * The service worker's registration, where pages may not construct notifications themselves
   * (Android's Chrome): default `navigator.serviceWorker.ready`, or null where there is none.
   */
  registration?(): Promise<Pick<ServiceWorkerRegistration, 'showNotification'> | null>;
  /** Where the worker posts `{ type: 'open-conversation' }` when its notification is clicked. */
  workerMessages?: EventTarget | null;
}

/** What client/pwa/sw.ts posts to the page when a notification it showed is clicked. */
export const OPEN_CONVERSATION_MESSAGE = 'open-conversation';

export class Notifier {
  readonly #deps: NotifierDeps;
  readonly #muted = new Set<string>();
  /** The notification showing for each conversation: replaced by the next, closed once it is seen. */
  readonly #showing = new Map<string, Notification>();
  #permissionStatus: PermissionStatus | null = null;
  /** The permission as last read, while `#permissionStatus` reports its changes. */
  #permission: NotificationPermissionState | null = null;
  #closed = false;

  readonly #workerMessages: EventTarget | null;

  constructor(deps: NotifierDeps) {
    this.#deps = deps;
    this.#workerMessages = deps.workerMessages !== undefined ? deps.workerMessages : browserWorkerMessages();
    this.#workerMessages?.addEventListener('message', this.#onWorkerMessage);
    void this.#watchPermission();
  }

  /** The conversations muted at open (from storage). */
  loadMuted(conversations: Iterable<string>): void {
    for (const conversation of conversations) this.#muted.add(conversation);
  }

  isMuted(conversation: string): boolean {
    return this.#muted.has(conversation);
  }

  setMuted(conversation: string, muted: boolean): void {
    if (muted) {
      this.#muted.add(conversation);
      this.#showing.get(conversation)?.close();
    } else this.#muted.delete(conversation);
    this.#deps.changed();
  }

  /**
   * The person may change it in the browser's site settings at any time. Reading it is a round trip
   * to the browser (~0.4 ms, at every render), so it is kept while the browser tells of changes
   * (`#watchPermission`), and read at every call where it cannot.
   */
  get permission(): NotificationPermissionState {
    if (this.#permission !== null) return this.#permission;
    const now = typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
    if (this.#permissionStatus) this.#permission = now;
    return now;
  }

  /** Asks the browser for permission; only ever on the person's request (a click). */
  async request(): Promise<NotificationPermissionState> {
    if (typeof Notification === 'undefined') return 'unsupported';
    try {
      await Notification.requestPermission();
    } catch (error) {
      this.#deps.warn('asking for notification permission failed', error);
    }
    this.#permission = null;
    this.#deps.changed();
    return this.permission;
  }

  /**
   * New messages from others in `conversation` that the person has not seen: one notification for
   * the newest of them that says something (reactions do not), unless the conversation is muted or
   * permission is not granted.
   */
  notify(conversation: string, messages: readonly ChatMessage[]): void {
    if (this.#closed || this.#muted.has(conversation) || this.permission !== 'granted') return;
    const newest = messages.filter((message) => message.reaction === undefined).at(-1);
    if (!newest) return;
    const kind = this.#deps.kindOf(conversation);
    if (kind === null) return;
    const title = kind === 'direct' ? newest.author : this.#deps.title(conversation);
    const preview = previewOf(newest);
    const author = newest.author;
    const body = kind === 'direct' ? preview : msg(str`${author}: ${preview}`);
    let notification: Notification;
    try {
      // One per conversation (by tag): a busy chat replaces its notification instead of piling up.
      notification = new Notification(title, { body, tag: conversation });
    } catch (error) {
      // Android's Chrome allows notifications from a service worker only, and says so by throwing
      // a TypeError: show it through the registration, whose click the worker hands back to us.
      if (error instanceof TypeError) void this.#showThroughWorker(conversation, title, body, error);
      else this.#deps.warn('showing a notification failed', error);
      return;
    }
    this.#showing.set(conversation, notification);
    notification.addEventListener('click', () => {
      window.focus();
      notification.close();
      this.#deps.open(conversation).catch((error: unknown) => this.#deps.warn('opening failed', error));
    });
    notification.addEventListener('close', () => {
      if (this.#showing.get(conversation) === notification) this.#showing.delete(conversation);
    });
  }

  /** The person has `conversation` on screen: its notification has said what it had to. */
  seen(conversation: string): void {
    this.#showing.get(conversation)?.close();
  }

  close(): void {
    this.#closed = true;
    if (this.#permissionStatus) this.#permissionStatus.onchange = null;
    this.#workerMessages?.removeEventListener('message', this.#onWorkerMessage);
  }

  async #showThroughWorker(conversation: string, title: string, body: string, cause: unknown): Promise<void> {
    try {
      const registration = await (this.#deps.registration ?? browserRegistration)();
      if (!registration) throw cause;
      // `data` tells the worker's click handler which conversation to open.
      await registration.showNotification(title, { body, tag: conversation, data: { conversation } });
    } catch (error) {
      this.#deps.warn('showing a notification failed', error);
    }
  }

  /** The worker says one of its notifications was clicked: open that conversation, if it is ours. */
  readonly #onWorkerMessage = (event: Event): void => {
    const data: unknown = (event as MessageEvent).data;
    if (typeof data !== 'object' || data === null) return;
    const { type, conversation } = data as { type?: unknown; conversation?: unknown };
    if (type !== OPEN_CONVERSATION_MESSAGE || typeof conversation !== 'string') return;
    // The worker only echoes what a notification carried, but a page of this origin could post
    // anything: only a conversation this account has is opened.
    if (this.#closed || this.#deps.kindOf(conversation) === null) return;
    this.#deps.open(conversation).catch((error: unknown) => this.#deps.warn('opening failed', error));
  };

  /** Follows changes made in the browser's site settings, where the Permissions API can tell. */
  async #watchPermission(): Promise<void> {
    if (typeof navigator === 'undefined' || !navigator.permissions) return;
    try {
      const status = await navigator.permissions.query({ name: 'notifications' });
      if (this.#closed) return;
      this.#permissionStatus = status;
      status.onchange = () => {
        this.#permission = null;
        this.#deps.changed();
      };
    } catch {
      // Not queryable here: the permission is still read at every render.
    }
  }
}

function browserWorkerMessages(): EventTarget | null {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator ? navigator.serviceWorker : null;
}

async function browserRegistration(): Promise<ServiceWorkerRegistration | null> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
  // `ready` never settles without a worker: only wait for it when one is registered.
  return (await navigator.serviceWorker.getRegistration()) ? navigator.serviceWorker.ready : null;
}

/** What a notification says of a message: its text on one line, or what kind of file it is. */
export function previewOf(message: ChatMessage): string {
  if (message.file) {
    if (message.file.voice) return msg('sent a voice message');
    const name = safeFileName(message.file.name);
    return msg(str`sent a file: ${name}`);
  }
  const text = (message.text ?? '').replace(/\s+/g, ' ').trim();
  const chars = [...text];
  return chars.length > PREVIEW_LENGTH ? `${chars.slice(0, PREVIEW_LENGTH - 1).join('')}…` : text;
}
