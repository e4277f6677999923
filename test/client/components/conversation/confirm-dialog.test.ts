import { expect, waitUntil } from '@open-wc/testing';
import { riskyFileReason } from '../../../../client/app/files/risky-files.js';
import type { AppStore } from '../../../../client/app/session/app-store.js';
import { type Shell, listenForCommands } from '../../../../client/components/shell/app-commands.js';
import { FileActionEvent, MessageActionEvent } from '../../../../client/components/events.js';
import { getByRole } from '../../helpers/by-role.js';

describe('saving a dangerous file', () => {
  it('names web documents and programs, and nothing else', () => {
    for (const name of ['page.html', 'PAGE.HTM', 'logo.svg', 'doc.xhtml', 'setup.exe', 'run.BAT', 'x.cmd']) {
      expect(riskyFileReason(name), name).to.be.a('string');
    }
    for (const name of ['a.sh', 'b.js', 'c.msi', 'd.apk', 'e.dmg', 'f.jar', 'g.ps1']) {
      expect(riskyFileReason(name), name).to.contain(name);
    }
    for (const name of [
      'photo.png',
      'notes.txt',
      'report.pdf',
      'README',
      'archive.tar.gz',
      'data.bin',
      'disk.img',
      'html',
    ]) {
      expect(riskyFileReason(name), name).to.equal(null);
    }
  });

  /** Listens for file actions over a messenger whose one file is `name`; records what is saved. */
  function setUp(name: string) {
    const saved: string[] = [];
    const store = {
      messenger: { files: { toSave: async () => ({ blob: new Blob(['<p>hi</p>']), name }) } },
    } as unknown as AppStore;
    const shell = { store } as unknown as Shell;
    const target = document.createElement('div');
    document.body.append(target);
    const stop = listenForCommands(
      target,
      () => shell,
      () => undefined,
    );
    // A download is a click on a link with `download`: noted here, not performed.
    const onClick = (event: Event) => {
      const link = event.target;
      if (link instanceof HTMLAnchorElement && link.download) {
        event.preventDefault();
        saved.push(link.download);
      }
    };
    document.addEventListener('click', onClick, true);
    const done = () => {
      stop();
      target.remove();
      document.removeEventListener('click', onClick, true);
    };
    return { saved, target, done };
  }

  const warning = () => document.querySelector('confirm-dialog');

  it('asks first for an .html file, saving it only after Save anyway', async () => {
    const { saved, target, done } = setUp('invoice.html');
    try {
      target.dispatchEvent(new FileActionEvent('f'.repeat(32), 'save'));
      await waitUntil(() => warning()?.shadowRoot?.querySelector('dialog[open]'));
      const dialog = getByRole(warning()!, 'dialog', 'Save this file?');
      expect(dialog.textContent).to.contain('invoice.html').and.to.contain('scripts');
      getByRole(warning()!, 'button', 'Cancel').click();
      await waitUntil(() => warning() === null);
      expect(saved).to.deep.equal([]);

      target.dispatchEvent(new FileActionEvent('f'.repeat(32), 'save'));
      await waitUntil(() => warning()?.shadowRoot?.querySelector('dialog[open]'));
      getByRole(warning()!, 'button', 'Save anyway').click();
      await waitUntil(() => saved.length === 1);
      expect(saved).to.deep.equal(['invoice.html']);
    } finally {
      done();
    }
  });

  it('saves an ordinary file without asking', async () => {
    const { saved, target, done } = setUp('photo.png');
    try {
      target.dispatchEvent(new FileActionEvent('f'.repeat(32), 'save'));
      await waitUntil(() => saved.length === 1);
      expect(warning()).to.equal(null);
    } finally {
      done();
    }
  });
});

describe('Delete for everyone', () => {
  const dialog = () => document.querySelector('confirm-dialog');

  it("asks first, and deletes only after the dialog's Delete for everyone", async () => {
    const deleted: string[] = [];
    const store = {
      messenger: { deleteForEveryone: async (id: string) => void deleted.push(id) },
    } as unknown as AppStore;
    const target = document.createElement('div');
    document.body.append(target);
    const stop = listenForCommands(
      target,
      () => ({ store }) as unknown as Shell,
      () => undefined,
    );
    try {
      target.dispatchEvent(new MessageActionEvent('delete', 'a'.repeat(32)));
      await waitUntil(() => dialog()?.shadowRoot?.querySelector('dialog[open]'));
      expect(getByRole(dialog()!, 'dialog', 'Delete for everyone?').textContent).to.contain(
        'cannot be undone',
      );
      getByRole(dialog()!, 'button', 'Cancel').click();
      await waitUntil(() => dialog() === null);
      expect(deleted).to.deep.equal([]);

      target.dispatchEvent(new MessageActionEvent('delete', 'a'.repeat(32)));
      await waitUntil(() => dialog()?.shadowRoot?.querySelector('dialog[open]'));
      getByRole(dialog()!, 'button', 'Delete for everyone').click();
      await waitUntil(() => deleted.length === 1);
      expect(deleted).to.deep.equal(['a'.repeat(32)]);
    } finally {
      stop();
      target.remove();
    }
  });
});
