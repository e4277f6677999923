import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/conversation/conversation-view.js';
import type { ConversationView } from '../../../../client/components/conversation/conversation-view.js';
import type { FilesChosenEvent } from '../../../../client/components/events.js';
import type { OpenConversationView } from '../../../../client/app/messenger.js';
import { getByRole } from '../../helpers/by-role.js';

const conversation: OpenConversationView = {
  conversation: 'd:alice:bob',
  kind: 'direct',
  title: 'bob',
  peer: 'bob',
  members: ['alice', 'bob'],
  peerOnline: true,
  link: 'open',
  messages: [],
  identity: null,
};

function drag(type: string, dataTransfer: DataTransfer): DragEvent {
  return new DragEvent(type, { dataTransfer, bubbles: true, composed: true, cancelable: true });
}

function withFiles(...files: File[]): DataTransfer {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  return transfer;
}

async function view() {
  const element = await fixture<ConversationView>(
    html`<conversation-view .conversation=${conversation}></conversation-view>`,
  );
  const hint = element.shadowRoot?.querySelector<HTMLElement>('.drop-hint');
  if (!hint) throw new Error('no drop hint');
  return { element, hint, log: getByRole(element, 'log', 'Messages') };
}

describe('<conversation-view>', () => {
  it('has a heading with the conversation name, the Messages log and the Message box', async () => {
    const { element } = await view();
    getByRole(element, 'heading', 'bob');
    getByRole(element, 'textbox', 'Message');
  });

  it('shows a drop hint while files are dragged over it, and fires the dropped files', async () => {
    const { element, hint, log } = await view();
    const files = withFiles(
      new File(['a'], 'a.txt', { type: 'text/plain' }),
      new File(['bb'], 'b.bin', { type: 'application/octet-stream' }),
    );
    expect(hint.hidden).to.equal(true);

    log.dispatchEvent(drag('dragenter', files));
    await element.updateComplete;
    expect(hint.hidden).to.equal(false);
    expect(hint.textContent).to.contain('bob');

    // Moving onto an inner element enters it before leaving the outer one: the hint stays.
    const box = getByRole(element, 'textbox', 'Message');
    box.dispatchEvent(drag('dragenter', files));
    log.dispatchEvent(drag('dragleave', files));
    await element.updateComplete;
    expect(hint.hidden).to.equal(false);

    const over = drag('dragover', files);
    box.dispatchEvent(over);
    expect(over.defaultPrevented).to.equal(true);

    const drop = drag('drop', files);
    const chosen = oneEvent(element, 'files-chosen') as Promise<FilesChosenEvent>;
    box.dispatchEvent(drop);
    const event = await chosen;
    expect(event.files.map((file) => [file.name, file.size])).to.deep.equal([
      ['a.txt', 1],
      ['b.bin', 2],
    ]);
    expect(drop.defaultPrevented).to.equal(true);
    await element.updateComplete;
    expect(hint.hidden).to.equal(true);
  });

  it('hides the hint when the drag leaves without a drop', async () => {
    const { element, hint, log } = await view();
    const files = withFiles(new File(['a'], 'a.txt'));
    log.dispatchEvent(drag('dragenter', files));
    await element.updateComplete;
    expect(hint.hidden).to.equal(false);
    log.dispatchEvent(drag('dragleave', files));
    await element.updateComplete;
    expect(hint.hidden).to.equal(true);
  });

  it('ignores drags that carry no files', async () => {
    const { element, hint, log } = await view();
    const fired: FilesChosenEvent[] = [];
    element.addEventListener('files-chosen', (event) => fired.push(event));
    const text = new DataTransfer();
    text.setData('text/plain', 'dragged words');
    log.dispatchEvent(drag('dragenter', text));
    const over = drag('dragover', text);
    log.dispatchEvent(over);
    log.dispatchEvent(drag('drop', text));
    await element.updateComplete;
    expect(hint.hidden).to.equal(true);
    expect(over.defaultPrevented).to.equal(false);
    expect(fired).to.have.length(0);
  });
});

describe('Back', () => {
  it('is in the header only at phone width, and closes the conversation', async () => {
    const element = await fixture<ConversationView>(
      html`<conversation-view .conversation=${conversation}></conversation-view>`,
    );
    const back = getByRole(element, 'button', 'Back');
    const phone = matchMedia('(max-width: 700px)').matches;
    expect(getComputedStyle(back).display === 'none').to.equal(!phone);
    setTimeout(() => back.click());
    await oneEvent(element, 'conversation-close');
  });
});

async function statusOf(changes: Partial<OpenConversationView>): Promise<string> {
  const element = await fixture<ConversationView>(
    html`<conversation-view .conversation=${{ ...conversation, ...changes }}></conversation-view>`,
  );
  return getByRole(element, 'status').textContent?.trim() ?? '';
}

describe('<conversation-view>: how the conversation is connected', () => {
  it('says the channel runs directly, or relayed through TURN, once its route is known', async () => {
    expect(await statusOf({ route: 'direct' })).to.equal('online, connected directly');
    expect(await statusOf({ route: 'relayed' })).to.equal('online, relayed through a TURN server');
    expect(await statusOf({ route: null })).to.equal('online, connected');
  });

  it('says in words why no connection could be made, while it keeps trying', async () => {
    expect(await statusOf({ link: 'connecting', connectProblem: 'no-relay' })).to.equal(
      'online, but no connection could be made: no relay server is configured, and the networks cannot reach each other directly',
    );
    expect(await statusOf({ link: 'none', connectProblem: 'blocked' })).to.equal(
      'online, but no connection could be made: the other network blocks the connection, even through the relay server',
    );
    expect(await statusOf({ link: 'connecting', connectProblem: null })).to.equal('online, connecting…');
  });

  it('says nothing of a route or a problem when the other person is offline', async () => {
    expect(await statusOf({ peerOnline: false, link: 'none', connectProblem: 'blocked' })).to.match(
      /^offline/,
    );
  });
});

describe('<conversation-view>: notices', () => {
  it('shows each notice (an author who signed conflicting messages) as an alert above the log', async () => {
    const notice = 'bob signed conflicting messages (number 3): the first one received is shown';
    const element = await fixture<ConversationView>(
      html`<conversation-view .conversation=${{ ...conversation, notices: [notice] }}></conversation-view>`,
    );
    expect(getByRole(element, 'alert').textContent).to.contain('conflicting messages');
  });
});
