import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/sidebar/group-dialog.js';
import type { GroupDialog } from '../../../../client/components/sidebar/group-dialog.js';
import type { GroupMembersEvent } from '../../../../client/components/events.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

describe('<group-dialog>', () => {
  it('opens as a dialog named New group with a name field and a checkbox per person', async () => {
    const dialog = await fixture<GroupDialog>(
      html`<group-dialog .people=${['bob', '爱丽丝']} open></group-dialog>`,
    );
    const box = getByRole<HTMLDialogElement>(dialog, 'dialog', 'New group');
    expect(box.open).to.equal(true);
    getByRole(dialog, 'textbox', 'Group name');
    expect(queryAllByRole(dialog, 'checkbox').map((c) => c.parentElement?.textContent?.trim())).to.deep.equal(
      ['bob', '爱丽丝'],
    );
  });

  it('renders again only when the people change, not for a new list of the same names', async () => {
    const dialog = await fixture<GroupDialog>(
      html`<group-dialog .people=${['bob', 'carol']}></group-dialog>`,
    );
    dialog.people = ['bob', 'carol'];
    expect(dialog.isUpdatePending, 'the same names in a new list').to.equal(false);
    dialog.people = ['bob', 'dave'];
    expect(dialog.isUpdatePending).to.equal(true);
  });

  it('fires the chosen name and members when Create group is pressed', async () => {
    const dialog = await fixture<GroupDialog>(
      html`<group-dialog .people=${['bob', 'carol']} open></group-dialog>`,
    );
    getByRole<HTMLInputElement>(dialog, 'textbox', 'Group name').value = '  学习群 ';
    queryAllByRole(dialog, 'checkbox')[1]?.dispatchEvent(new MouseEvent('click'));
    await dialog.updateComplete;
    setTimeout(() => getByRole(dialog, 'button', 'Create group').click());
    const event = await (oneEvent(dialog, 'group-members') as Promise<GroupMembersEvent>);
    expect([event.group, event.name, event.members]).to.deep.equal([null, '学习群', ['carol']]);
  });

  it('does not create a group without a name', async () => {
    const dialog = await fixture<GroupDialog>(html`<group-dialog .people=${['bob']} open></group-dialog>`);
    const fired: Event[] = [];
    dialog.addEventListener('group-members', (event) => fired.push(event));
    getByRole(dialog, 'button', 'Create group').click();
    expect(fired).to.have.length(0);
  });

  it('in add mode is named Add members and adds to its group', async () => {
    const dialog = await fixture<GroupDialog>(
      html`<group-dialog mode="add" .group=${'gabc'} .people=${['dave']} open></group-dialog>`,
    );
    getByRole(dialog, 'dialog', 'Add members');
    expect(queryAllByRole(dialog, 'textbox')).to.have.length(0);
    queryAllByRole(dialog, 'checkbox')[0]?.dispatchEvent(new MouseEvent('click'));
    await dialog.updateComplete;
    setTimeout(() => getByRole(dialog, 'button', 'Add').click());
    const event = await (oneEvent(dialog, 'group-members') as Promise<GroupMembersEvent>);
    expect([event.group, event.members]).to.deep.equal(['gabc', ['dave']]);
  });

  it('reports a close by the person (Cancel), not one by its owner (open set false)', async () => {
    const dialog = await fixture<GroupDialog>(html`<group-dialog .people=${['bob']} open></group-dialog>`);
    const box = getByRole<HTMLDialogElement>(dialog, 'dialog', 'New group');
    const fired: Event[] = [];
    dialog.addEventListener('dialog-close', (event) => fired.push(event));
    const closed = oneEvent(box, 'close');
    dialog.open = false;
    await closed;
    expect(box.open).to.equal(false);
    expect(fired).to.have.length(0);

    dialog.open = true;
    await dialog.updateComplete;
    setTimeout(() => getByRole(dialog, 'button', 'Cancel').click());
    await oneEvent(dialog, 'dialog-close');
    expect(dialog.open).to.equal(false);
  });

  it('shows a failure in an alert', async () => {
    const dialog = await fixture<GroupDialog>(
      html`<group-dialog .people=${[]} .error=${'Group names are 1–64 characters.'} open></group-dialog>`,
    );
    expect(getByRole(dialog, 'alert').textContent).to.equal('Group names are 1–64 characters.');
  });
});
