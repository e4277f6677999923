import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../../../client/components/sidebar/user-list.js';
import type { UserList, UserListEntry } from '../../../../client/components/sidebar/user-list.js';
import type { ConversationSelectEvent } from '../../../../client/components/events.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

/** `user00000` … : names that sort as they are numbered. */
function people(count: number): UserListEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `user${String(i).padStart(5, '0')}`;
    return { conversation: `dm:${name}:me`, name, online: true, unread: i % 7 === 3 ? 2 : 0 };
  });
}

function scrollerOf(list: UserList): HTMLElement {
  const scroller = list.shadowRoot?.querySelector<HTMLElement>('.scroller');
  if (!scroller) throw new Error('no scroller');
  return scroller;
}

/** Scrolls the list to `top` and waits for the rows there to render. */
async function scrollTo(list: UserList, top: number): Promise<void> {
  const scroller = scrollerOf(list);
  const scrolled = oneEvent(scroller, 'scroll');
  scroller.scrollTop = top;
  await scrolled;
  await list.updateComplete;
}

/** Whether `element` is within the list's scrolled view (not clipped off). */
function inView(list: UserList, element: Element): boolean {
  const view = scrollerOf(list).getBoundingClientRect();
  const box = element.getBoundingClientRect();
  return box.top >= view.top - 0.5 && box.bottom <= view.bottom + 0.5;
}

function focusedName(list: UserList): string | null | undefined {
  return list.shadowRoot?.activeElement?.getAttribute('aria-label');
}

describe('<user-list> with thousands of people', () => {
  it('renders only the rows near the view, each counted among all', async () => {
    const list = await fixture<UserList>(
      html`<user-list label="Online users" .entries=${people(5000)}></user-list>`,
    );
    const items = queryAllByRole(getByRole(list, 'list', 'Online users'), 'listitem');
    expect(items.length).to.be.greaterThan(5).and.lessThan(100);
    expect(items[0]?.getAttribute('aria-posinset')).to.equal('1');
    expect(items.every((item) => item.getAttribute('aria-setsize') === '5000')).to.equal(true);
    getByRole(list, 'button', 'user00003, 2 unread');
    // The scroll area stands for every row, not only the rendered ones.
    const rowHeight = items[0]!.getBoundingClientRect().height;
    expect(scrollerOf(list).scrollHeight).to.be.closeTo(5000 * rowHeight, 2);
  });

  it('reads no layout when an unread count changes (the render of every arriving message)', async () => {
    const list = await fixture<UserList>(
      html`<user-list label="Online users" .entries=${people(5000)}></user-list>`,
    );
    // The first layout is measured, and the scroller's first size reported (a frame later, it
    // renders again for it): then it is settled.
    for (let frame = 0; frame < 4; frame += 1) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await list.updateComplete;
    }
    const reads: string[] = [];
    const rect = Element.prototype.getBoundingClientRect;
    const height = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight')!;
    const top = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollTop')!;
    Element.prototype.getBoundingClientRect = function (this: Element) {
      reads.push('getBoundingClientRect');
      return rect.call(this);
    };
    Object.defineProperty(Element.prototype, 'clientHeight', {
      ...height,
      get(this: Element) {
        reads.push('clientHeight');
        return height.get!.call(this);
      },
    });
    Object.defineProperty(Element.prototype, 'scrollTop', {
      ...top,
      get(this: Element) {
        reads.push('scrollTop');
        return top.get!.call(this);
      },
    });
    try {
      list.entries = people(5000).map((entry, i) => (i === 2 ? { ...entry, unread: 5 } : entry));
      await list.updateComplete;
    } finally {
      Element.prototype.getBoundingClientRect = rect;
      Object.defineProperty(Element.prototype, 'clientHeight', height);
      Object.defineProperty(Element.prototype, 'scrollTop', top);
    }
    getByRole(list, 'button', 'user00002, 5 unread');
    expect(reads).to.deep.equal([]);
  });

  it('places rows one under the other, none overlapping', async () => {
    const list = await fixture<UserList>(
      html`<user-list label="Online users" .entries=${people(300)}></user-list>`,
    );
    const boxes = queryAllByRole(list, 'listitem').map((item) => item.getBoundingClientRect());
    for (let i = 1; i < boxes.length; i += 1) expect(boxes[i]!.top).to.be.closeTo(boxes[i - 1]!.bottom, 0.5);
  });

  it('shows the last person when scrolled to the end', async () => {
    const list = await fixture<UserList>(
      html`<user-list label="Online users" .entries=${people(5000)}></user-list>`,
    );
    expect(queryAllByRole(list, 'button', 'user04999')).to.have.length(0);
    await scrollTo(list, scrollerOf(list).scrollHeight);
    const last = getByRole(list, 'button', 'user04999');
    expect(inView(list, last)).to.equal(true);
    expect(last.closest('li')?.getAttribute('aria-posinset')).to.equal('5000');
    expect(queryAllByRole(list, 'listitem').length).to.be.lessThan(100);
  });

  it('finds one person among thousands with Find people, and opens them', async () => {
    const list = await fixture<UserList>(
      html`<user-list label="Online users" .entries=${people(5000)}></user-list>`,
    );
    await scrollTo(list, 1000);
    list.filter = 'USER04321';
    await list.updateComplete;
    expect(queryAllByRole(list, 'button').map((b) => b.getAttribute('aria-label'))).to.deep.equal([
      'user04321',
    ]);
    expect(getByRole(list, 'listitem').getAttribute('aria-setsize')).to.equal('1');
    setTimeout(() => getByRole(list, 'button', 'user04321').click());
    const event = await (oneEvent(list, 'conversation-select') as Promise<ConversationSelectEvent>);
    expect(event.conversation).to.equal('dm:user04321:me');
  });

  it('moves focus with Tab past the rendered rows, bringing each into view', async () => {
    const list = await fixture<UserList>(
      html`<user-list label="Online users" .entries=${people(5000)}></user-list>`,
    );
    const rendered = queryAllByRole(list, 'listitem').length;
    // Also bounds the key presses below.
    expect(rendered).to.be.lessThan(60);
    getByRole(list, 'button', 'user00000').focus();
    for (let i = 0; i < rendered + 5; i += 1) await sendKeys({ press: 'Tab' });
    const name = `user${String(rendered + 5).padStart(5, '0')}`;
    expect(focusedName(list)).to.match(new RegExp(`^${name}`));
    expect(inView(list, getByRole(list, 'button', new RegExp(`^${name}`)))).to.equal(true);
    await sendKeys({ press: 'Shift+Tab' });
    expect(focusedName(list)).to.match(new RegExp(`^user${String(rendered + 4).padStart(5, '0')}`));
  });

  it('moves focus with End, Home and the arrow keys to rows not rendered yet', async () => {
    const list = await fixture<UserList>(
      html`<user-list label="Online users" .entries=${people(5000)}></user-list>`,
    );
    getByRole(list, 'button', 'user00000').focus();
    await sendKeys({ press: 'End' });
    expect(focusedName(list)).to.equal('user04999');
    expect(inView(list, getByRole(list, 'button', 'user04999'))).to.equal(true);
    await sendKeys({ press: 'ArrowUp' });
    expect(focusedName(list)).to.equal('user04998');
    await sendKeys({ press: 'Home' });
    await sendKeys({ press: 'ArrowDown' });
    expect(focusedName(list)).to.equal('user00001');
    expect(scrollerOf(list).scrollTop).to.equal(0);
  });

  it('keeps the focused row while the list is scrolled far from it', async () => {
    const list = await fixture<UserList>(
      html`<user-list label="Online users" .entries=${people(5000)}></user-list>`,
    );
    getByRole(list, 'button', 'user00002').focus();
    await scrollTo(list, scrollerOf(list).scrollHeight);
    getByRole(list, 'button', 'user04999');
    expect(focusedName(list)).to.equal('user00002');
    await sendKeys({ press: 'Tab' });
    expect(focusedName(list)).to.equal('user00003, 2 unread');
  });

  it('goes from the rows to the invitations after them and back with Tab', async () => {
    const groups: UserListEntry[] = [
      ...people(500),
      { conversation: `group:g${'b'.repeat(24)}`, name: 'Trip', online: true, unread: 0, invitedBy: 'bob' },
    ];
    const list = await fixture<UserList>(
      html`<user-list label="Groups" .markOffline=${false} .entries=${groups}></user-list>`,
    );
    getByRole(list, 'button', 'user00000').focus();
    await sendKeys({ press: 'End' });
    await sendKeys({ press: 'Tab' });
    expect(list.shadowRoot?.activeElement?.textContent?.trim()).to.equal('Accept');
    expect(list.shadowRoot?.activeElement?.closest('li')?.getAttribute('aria-posinset')).to.equal('501');
    await scrollTo(list, 0);
    await sendKeys({ press: 'Shift+Tab' });
    expect(focusedName(list)).to.equal('user00499');
  });

  it('lays its rows out when shown after being hidden, as the lists pane of a phone is', async () => {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div hidden><user-list label="Online users" .entries=${people(5000)}></user-list></div>`,
    );
    const list = wrapper.querySelector('user-list')!;
    await list.updateComplete;
    wrapper.hidden = false;
    const laidOut = () => {
      const items = queryAllByRole(list, 'listitem');
      const height = items[0]!.getBoundingClientRect().height;
      const spacing = items[1]!.getBoundingClientRect().top - items[0]!.getBoundingClientRect().top;
      const lastBottom = items.at(-1)!.getBoundingClientRect().bottom;
      return (
        Math.abs(spacing - height) < 0.1 && lastBottom >= scrollerOf(list).getBoundingClientRect().bottom
      );
    };
    await waitUntil(laidOut, 'rows are not placed by their height, or do not fill the view');
  });

  it('places rows by their height at phone width, where they are a touch target tall', async () => {
    await setViewport({ width: 1000, height: 800 });
    try {
      const list = await fixture<UserList>(
        html`<div>
          <style>
            @media (max-width: 700px) {
              div {
                --parley-touch-target: 44px;
              }
            }
          </style>
          <user-list label="Online users" .entries=${people(5000)}></user-list>
        </div>`,
      ).then((wrapper) => wrapper.querySelector('user-list')!);
      const spacing = () => {
        const [first, second] = queryAllByRole(list, 'listitem').map(
          (item) => item.getBoundingClientRect().top,
        );
        return second! - first!;
      };
      expect(spacing()).to.be.lessThan(44);
      await setViewport({ width: 400, height: 800 });
      await waitUntil(() => Math.abs(spacing() - 44) < 0.5, 'rows are not placed 44 px apart');
      await scrollTo(list, scrollerOf(list).scrollHeight);
      expect(inView(list, getByRole(list, 'button', 'user04999'))).to.equal(true);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});
