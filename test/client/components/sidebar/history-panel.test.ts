import { expect, fixture, html } from '@open-wc/testing';
import '../../../../client/components/sidebar/history-panel.js';
import type { HistoryPanel, HistoryPort } from '../../../../client/components/sidebar/history-panel.js';
import { HistoryError, HistoryErrorCode } from '../../../../client/app/history/history-format.js';
import { getByRole } from '../../helpers/by-role.js';

async function typePassphrase(panel: HistoryPanel, text: string): Promise<void> {
  const field = panel.shadowRoot!.querySelector<HTMLInputElement>('input[type=password]')!;
  expect(field.getAttribute('aria-label')).to.equal('Passphrase');
  field.value = text;
  field.dispatchEvent(new Event('input'));
  await panel.updateComplete;
}

/** Chooses `file` in the panel's file chooser, as the browser would after **Import history**. */
function choose(panel: HistoryPanel, file: File): void {
  const input = panel.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change'));
}

async function settled(panel: HistoryPanel): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve));
  await panel.updateComplete;
}

describe('<history-panel>', () => {
  it('asks for a passphrase before either button works', async () => {
    const port: HistoryPort = {
      export: async () => new Blob(),
      import: async () => ({ messages: 0, files: 0 }),
    };
    const panel = await fixture<HistoryPanel>(html`<history-panel .port=${port}></history-panel>`);
    expect(getByRole<HTMLButtonElement>(panel, 'button', 'Export history').disabled).to.equal(true);
    expect(getByRole<HTMLButtonElement>(panel, 'button', 'Import history').disabled).to.equal(true);
    await typePassphrase(panel, 'secret');
    expect(getByRole<HTMLButtonElement>(panel, 'button', 'Export history').disabled).to.equal(false);
  });

  it('imports the chosen file with the passphrase and says what came in', async () => {
    const calls: [string, string][] = [];
    const port: HistoryPort = {
      export: async () => new Blob(),
      import: async (file, passphrase) => {
        calls.push([file.name, passphrase]);
        return { messages: 12, files: 2 };
      },
    };
    const panel = await fixture<HistoryPanel>(html`<history-panel .port=${port}></history-panel>`);
    await typePassphrase(panel, 'secret');
    choose(panel, new File(['x'], 'history.parley'));
    await settled(panel);
    expect(calls).to.deep.equal([['history.parley', 'secret']]);
    expect(getByRole(panel, 'status').textContent).to.contain('Imported 12 messages and 2 files.');
  });

  it('shows a wrong passphrase as an alert', async () => {
    const port: HistoryPort = {
      export: async () => new Blob(),
      import: async () => {
        throw new HistoryError(HistoryErrorCode.Passphrase, 'record 0');
      },
    };
    const panel = await fixture<HistoryPanel>(html`<history-panel .port=${port}></history-panel>`);
    await typePassphrase(panel, 'wrong');
    choose(panel, new File(['x'], 'history.parley'));
    await settled(panel);
    expect(getByRole(panel, 'alert').textContent).to.contain('Wrong passphrase');
  });
});
