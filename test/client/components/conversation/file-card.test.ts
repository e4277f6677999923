import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/conversation/file-card.js';
import type { FileCard } from '../../../../client/components/conversation/file-card.js';
import type { FileActionEvent } from '../../../../client/components/events.js';
import type { FileView } from '../../../../client/app/conversations/message-view.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

const id = 'f'.repeat(32);

function fileView(changes: Partial<FileView> = {}): FileView {
  return {
    name: 'report.pdf',
    size: 3_400_000,
    type: 'application/pdf',
    state: 'moving',
    done: 1_020_000,
    total: 3_400_000,
    bytesPerSecond: 2_100_000,
    secondsLeft: 12,
    detail: null,
    canCancel: true,
    canSave: false,
    canRetry: false,
    previewUrl: null,
    voice: null,
    ...changes,
  };
}

async function card(changes: Partial<FileView> = {}) {
  return fixture<FileCard>(html`<file-card .file=${fileView(changes)} .messageId=${id}></file-card>`);
}

function text(element: FileCard): string {
  return (element.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ');
}

/** Clicks `button` and returns the FileActionEvent it fired. */
async function actionOf(element: FileCard, button: HTMLElement): Promise<FileActionEvent> {
  const fired = oneEvent(element, 'file-action') as Promise<FileActionEvent>;
  button.click();
  return fired;
}

describe('<file-card>', () => {
  it('shows a file only offered with its name, size and a Download button that asks for it', async () => {
    const element = await card({ state: 'offered', done: 0, canCancel: false, canDownload: true });
    expect(text(element)).to.contain('report.pdf').and.to.contain('3.4 MB');
    expect(queryAllByRole(element, 'progressbar')).to.have.length(0);
    const event = await actionOf(element, getByRole(element, 'button', 'Download'));
    expect([event.id, event.action]).to.deep.equal([id, 'download']);
  });

  it('shows the name and the size in human units', async () => {
    const element = await card({ state: 'complete', done: 3_400_000, canCancel: false, canSave: true });
    expect(text(element)).to.contain('report.pdf').and.to.contain('3.4 MB');
    expect(queryAllByRole(element, 'progressbar')).to.have.length(0);
  });

  it('while moving, has a progressbar named after the file with its values, speed and time left', async () => {
    const element = await card();
    const bar = getByRole(element, 'progressbar', 'report.pdf');
    expect(bar.getAttribute('aria-valuemin')).to.equal('0');
    expect(bar.getAttribute('aria-valuemax')).to.equal('3400000');
    expect(bar.getAttribute('aria-valuenow')).to.equal('1020000');
    expect(bar.getAttribute('aria-valuetext')).to.equal('30%');
    expect(text(element)).to.contain('30% · 2.1 MB/s · 12 s left');
  });

  it('before the speed is measured, says it is starting', async () => {
    const element = await card({ done: 0, bytesPerSecond: null, secondsLeft: null });
    expect(getByRole(element, 'progressbar', 'report.pdf').getAttribute('aria-valuenow')).to.equal('0');
    expect(text(element)).to.contain('0% · starting…');
  });

  it('keeps the bar of a paused transfer and says what it waits for', async () => {
    const detail = 'Waiting for alice to come back online';
    const element = await card({ state: 'waiting', canCancel: false, detail });
    getByRole(element, 'progressbar', 'report.pdf');
    expect(text(element)).to.contain(detail).and.not.to.contain('MB/s');
  });

  it('shows no bar for a transfer that has not started, only what it waits for', async () => {
    const element = await card({ state: 'waiting', done: 0, detail: 'Waiting for alice' });
    expect(queryAllByRole(element, 'progressbar')).to.have.length(0);
    expect(text(element)).to.contain('Waiting for alice');
  });

  it('fires cancel, save and retry for its message', async () => {
    const moving = await card();
    const cancel = await actionOf(moving, getByRole(moving, 'button', 'Cancel'));
    expect([cancel.id, cancel.action, cancel.file]).to.deep.equal([id, 'cancel', null]);

    const complete = await card({ state: 'complete', done: 3_400_000, canCancel: false, canSave: true });
    expect(queryAllByRole(complete, 'button', 'Cancel')).to.have.length(0);
    const save = await actionOf(complete, getByRole(complete, 'button', 'Save'));
    expect([save.id, save.action]).to.deep.equal([id, 'save']);

    const corrupt = await card({
      state: 'failed',
      canCancel: false,
      canRetry: true,
      detail: 'The file arrived damaged (its SHA-256 does not match).',
    });
    expect(queryAllByRole(corrupt, 'button', 'Save')).to.have.length(0);
    const retry = await actionOf(corrupt, getByRole(corrupt, 'button', 'Try again'));
    expect([retry.id, retry.action]).to.deep.equal([id, 'retry']);
  });

  it('shows why a transfer failed in a status', async () => {
    const element = await card({ state: 'failed', canCancel: false, detail: 'alice cancelled it' });
    expect(getByRole(element, 'status').textContent).to.equal('alice cancelled it');
    expect(queryAllByRole(element, 'button')).to.have.length(0);
  });

  it('describes each button by the file, keeping its name exact', async () => {
    const element = await card({ canSave: true });
    for (const name of ['Cancel', 'Save']) {
      const button = getByRole(element, 'button', name);
      const description = button.getAttribute('aria-describedby') ?? '';
      expect(element.shadowRoot?.getElementById(description)?.textContent).to.equal('report.pdf');
    }
  });

  it('asks for the file again after the sender reloaded, and fires the chosen file', async () => {
    const element = await card({
      state: 'needs-file',
      done: 0,
      canCancel: true,
      bytesPerSecond: null,
      secondsLeft: null,
      detail: 'Choose report.pdf again to finish sending it.',
    });
    const input = element.shadowRoot?.querySelector<HTMLInputElement>('input[type=file]');
    if (!input) throw new Error('no file input');
    let opened = false;
    input.addEventListener('click', (event) => {
      // A test cannot answer the browser's file chooser: note the click instead of opening it.
      event.preventDefault();
      opened = true;
    });
    getByRole(element, 'button', 'Choose file again').click();
    expect(opened).to.equal(true);

    const file = new File(['%PDF-1.7'], 'report.pdf', { type: 'application/pdf' });
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    const fired = oneEvent(element, 'file-action') as Promise<FileActionEvent>;
    input.dispatchEvent(new Event('change'));
    const event = await fired;
    expect([event.id, event.action, event.file?.name, event.file?.size]).to.deep.equal([
      id,
      'choose-again',
      'report.pdf',
      8,
    ]);
    expect(input.value).to.equal('');
  });

  it('previews an image, its alt text the file name', async () => {
    const previewUrl = URL.createObjectURL(new Blob([new Uint8Array([0x89, 0x50])], { type: 'image/png' }));
    try {
      const element = await card({ name: 'cat.png', type: 'image/png', state: 'complete', previewUrl });
      const img = element.shadowRoot?.querySelector('img');
      expect(img?.getAttribute('alt')).to.equal('cat.png');
      expect(img?.getAttribute('src')).to.equal(previewUrl);
    } finally {
      URL.revokeObjectURL(previewUrl);
    }
  });

  it('shows a hostile name literally, never as HTML', async () => {
    const name = '<img src=x onerror=alert(1)>.png';
    const element = await card({ name });
    expect(element.shadowRoot?.querySelector('img')).to.equal(null);
    expect(text(element)).to.contain(name);
    getByRole(element, 'progressbar', name);
  });

  it('renders a voice message as a file for now', async () => {
    const element = await card({
      name: 'voice.webm',
      type: 'audio/webm',
      state: 'complete',
      canSave: true,
      canCancel: false,
      voice: { durationMs: 4200, peaks: [1, 2, 3] },
    });
    expect(text(element)).to.contain('voice.webm');
    getByRole(element, 'button', 'Save');
  });
});
