/**
 * Export history and Import history as a person does them: the **Passphrase** field, then the
 * button (and, to import, the browser's file chooser).
 */
import type { Person } from './person.js';

/** Exports `person`'s history under `passphrase`; returns where the browser saved the file. */
export async function exportHistory(person: Person, passphrase: string): Promise<string> {
  await person.page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  const [download] = await Promise.all([
    person.page.waitForEvent('download'),
    person.page.getByRole('button', { name: 'Export history', exact: true }).click(),
  ]);
  return download.path();
}

/** Imports the history file at `path` with `passphrase`, without waiting for the outcome. */
export async function importHistory(person: Person, path: string, passphrase: string): Promise<void> {
  await person.page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  const [chooser] = await Promise.all([
    person.page.waitForEvent('filechooser'),
    person.page.getByRole('button', { name: 'Import history', exact: true }).click(),
  ]);
  await chooser.setFiles(path);
}
