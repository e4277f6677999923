import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { buttonStyles } from '../styles/buttons.js';
import { formStyles } from '../styles/forms.js';
import { DialogCloseEvent, GroupMembersEvent } from '../events.js';

/** Whether two lists of names differ. */
function namesChanged(next: readonly string[], previous: readonly string[] | undefined): boolean {
  return (
    next !== previous &&
    (!previous || next.length !== previous.length || next.some((name, i) => name !== previous[i]))
  );
}

/**
 * The **New group** dialog (name and members) or the **Add members** dialog of a group (members
 * only): a modal `dialog`, one checkbox per person labelled with the name. It stays open after
 * **Create group** / **Add** until the owner closes it (once the server has answered).
 *
 * @fires group-members - `GroupMembersEvent`: **Create group** or **Add** with a valid choice.
 * @fires dialog-close - `DialogCloseEvent`: the person closed it (Cancel or Escape).
 * @property mode - `create` (New group) or `add` (Add members to `group`).
 * @property group - The group members are added to (mode `add`).
 * @property people - The people who can be chosen.
 * @property open - Whether the dialog shows.
 * @property error - Why the last attempt failed, in words.
 */
@localized()
@customElement('group-dialog')
export class GroupDialog extends LitElement {
  static override styles = [
    buttonStyles,
    formStyles,
    css`
      dialog {
        min-width: 18rem;
        max-width: 26rem;
        border: 0;
        border-radius: var(--parley-radius-large);
        padding: 1.2rem 1.4rem;
        box-shadow: var(--parley-shadow-dialog);
      }
      dialog::backdrop {
        background: var(--parley-backdrop);
      }
      h2 {
        margin: 0 0 1rem;
        font-size: 1.2rem;
      }
      fieldset {
        border: 1px solid var(--parley-divider);
        border-radius: var(--parley-radius);
        max-height: 16rem;
        overflow-y: auto;
        margin: 0 0 1rem;
      }
      fieldset label {
        display: flex;
        gap: 0.5rem;
        padding: 0.2rem 0;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
      }
      button {
        padding: 0.5rem 1rem;
      }
      .empty {
        color: var(--parley-text-faint);
      }
    `,
  ];

  /** 'create': New group; 'add': Add members to `group`. */
  @property() mode: 'create' | 'add' = 'create';
  /** The group members are added to (mode 'add'). */
  @property({ attribute: false }) group: string | null = null;
  /** The people who can be chosen; a new list of the same names (made at every change) renders nothing. */
  @property({ attribute: false, hasChanged: namesChanged }) people: readonly string[] = [];
  @property({ type: Boolean }) open = false;
  /** Why the last attempt failed, in words. */
  @property({ attribute: false }) error: string | null = null;

  @state() private chosen = new Set<string>();
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input[name="group-name"]') private nameInput?: HTMLInputElement;

  override render() {
    const title = this.mode === 'create' ? msg('New group') : msg('Add members');
    return html`<dialog aria-labelledby="title" @close=${this.#onClose}>
      <form method="dialog" @submit=${this.#onSubmit}>
        <h2 id="title">${title}</h2>
        ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
        ${
          this.mode === 'create'
            ? html`<label class="field"
                >${msg('Group name')} <input name="group-name" maxlength="64" required autocomplete="off"
              /></label>`
            : nothing
        }
        <fieldset>
          <legend>${msg('Members')}</legend>
          ${this.people.length === 0 ? html`<p class="empty">${msg('Nobody else to add right now.')}</p>` : nothing}
          ${this.people.map(
            (person) =>
              html`<label
                ><input
                  type="checkbox"
                  .checked=${this.chosen.has(person)}
                  @change=${(event: Event) => this.#toggle(person, (event.target as HTMLInputElement).checked)}
                />${person}</label
              >`,
          )}
        </fieldset>
        <div class="actions">
          <button type="button" class="secondary" @click=${() => this.dialog.close()}>
            ${msg('Cancel')}
          </button>
          <button type="submit" class="primary">
            ${this.mode === 'create' ? msg('Create group') : msg('Add')}
          </button>
        </div>
      </form>
    </dialog>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) {
      this.chosen = new Set();
      if (this.nameInput) this.nameInput.value = '';
      this.dialog.showModal();
    } else if (!this.open && this.dialog.open) {
      this.dialog.close();
    }
  }

  #toggle(person: string, checked: boolean): void {
    const chosen = new Set(this.chosen);
    if (checked) chosen.add(person);
    else chosen.delete(person);
    this.chosen = chosen;
  }

  #onSubmit(event: SubmitEvent): void {
    // The dialog stays open until the server has answered: the owner closes it.
    event.preventDefault();
    const name = this.nameInput?.value.trim() ?? '';
    if (this.mode === 'create' && name === '') {
      this.nameInput?.focus();
      return;
    }
    if (this.mode === 'add' && this.chosen.size === 0) return;
    this.dispatchEvent(new GroupMembersEvent(this.group, name, [...this.chosen]));
  }

  #onClose(): void {
    // Closed because the owner set `open` false: not the person's doing, nothing to report.
    if (!this.open) return;
    this.open = false;
    this.dispatchEvent(new DialogCloseEvent());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'group-dialog': GroupDialog;
  }
}
