import { expect } from '@open-wc/testing';
import { OPEN_CONVERSATION_MESSAGE, Notifier } from '../../../../client/app/attention/notifier.js';
import type { NotifierDeps } from '../../../../client/app/attention/notifier.js';
import type { ChatMessage } from '../../../../shared/peer-protocol.js';

/**
 * Android's Chrome refuses `new Notification` in a page with a TypeError ("Illegal constructor")
 * and shows notifications only through the service worker's registration. Desktop Chromium, which
 * runs these tests, allows the constructor, so that refusal is reproduced by a stand-in constructor
 * throwing the same error, and the registration by a stand-in recording what it was asked to show.
 */
function refuseConstructor(): () => void {
  const Real = window.Notification;
  class Refusing {
    static readonly permission: NotificationPermission = 'granted';
    constructor() {
      throw new TypeError("Failed to construct 'Notification': Illegal constructor.");
    }
  }
  window.Notification = Refusing as unknown as typeof Notification;
  return () => (window.Notification = Real);
}

const message = (text: string): ChatMessage => ({
  id: `m-${text}`,
  conversation: 'g:friends',
  author: 'bob',
  seq: 1,
  sentAt: Date.now(),
  text,
});

function notifierWith(overrides: Partial<NotifierDeps>): {
  notifier: Notifier;
  opened: string[];
  warnings: string[];
} {
  const opened: string[] = [];
  const warnings: string[] = [];
  const notifier = new Notifier({
    kindOf: (conversation) => (conversation === 'g:friends' ? 'group' : null),
    title: () => 'friends',
    open: async (conversation) => void opened.push(conversation),
    changed: () => undefined,
    warn: (text) => void warnings.push(text),
    ...overrides,
  });
  return { notifier, opened, warnings };
}

describe('Notifier where pages may not construct notifications', () => {
  let restore: () => void;
  beforeEach(() => {
    restore = refuseConstructor();
  });
  afterEach(() => {
    restore();
  });

  it('shows the notification through the service worker registration, tagged with its conversation', async () => {
    const shown: Array<{ title: string; options: NotificationOptions | undefined }> = [];
    let resolveShown: () => void;
    const done = new Promise<void>((resolve) => (resolveShown = resolve));
    const { notifier, warnings } = notifierWith({
      workerMessages: null,
      registration: async () => ({
        showNotification: async (title: string, options?: NotificationOptions) => {
          shown.push({ title, options });
          resolveShown();
        },
      }),
    });
    notifier.notify('g:friends', [message('hello there')]);
    await done;
    expect(shown).to.deep.equal([
      {
        title: 'friends',
        options: { body: 'bob: hello there', tag: 'g:friends', data: { conversation: 'g:friends' } },
      },
    ]);
    expect(warnings).to.deep.equal([]);
    notifier.close();
  });

  it('warns, and shows nothing, where there is no service worker either', async () => {
    let warned: () => void;
    const done = new Promise<void>((resolve) => (warned = resolve));
    const { notifier, warnings } = notifierWith({
      workerMessages: null,
      registration: async () => null,
      warn: (text) => {
        warnings.push(text);
        warned();
      },
    });
    notifier.notify('g:friends', [message('hello')]);
    await done;
    expect(warnings).to.deep.equal(['showing a notification failed']);
    notifier.close();
  });
});

describe('Notifier and clicks the service worker hands back', () => {
  it("opens the conversation a clicked notification carried, and nothing that isn't one of ours", async () => {
    const worker = new EventTarget();
    const { notifier, opened } = notifierWith({ workerMessages: worker });
    const post = (data: unknown) => worker.dispatchEvent(new MessageEvent('message', { data }));
    post({ type: OPEN_CONVERSATION_MESSAGE, conversation: 'g:strangers' });
    post({ type: OPEN_CONVERSATION_MESSAGE, conversation: 42 });
    post({ type: 'build', conversation: 'g:friends' });
    post(null);
    post({ type: OPEN_CONVERSATION_MESSAGE, conversation: 'g:friends' });
    await Promise.resolve();
    expect(opened).to.deep.equal(['g:friends']);

    notifier.close();
    post({ type: OPEN_CONVERSATION_MESSAGE, conversation: 'g:friends' });
    await Promise.resolve();
    expect(opened).to.deep.equal(['g:friends']);
  });
});
