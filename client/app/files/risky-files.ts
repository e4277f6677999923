/**
 * Files that are dangerous to open once saved, by their extension: a web page or an SVG runs its
 * scripts when opened (from disk, with more reach than a page on the web), and a program or a script
 * runs with the person's rights. Saving one asks first; the reason is shown in words.
 */
import { msg, str } from '@lit/localize';

/** Opened in a browser, these run the scripts they carry. */
const ACTIVE_DOCUMENTS = new Set([
  'html',
  'htm',
  'xhtml',
  'xht',
  'shtml',
  'mht',
  'mhtml',
  'svg',
  'svgz',
  'xml',
  'hta',
]);

/** Opened, these run as programs or scripts. */
const EXECUTABLES = new Set([
  'exe',
  'com',
  'scr',
  'pif',
  'cpl',
  'dll',
  'msi',
  'msp',
  'msix',
  'appx',
  'bat',
  'cmd',
  'ps1',
  'psm1',
  'vbs',
  'vbe',
  'js',
  'jse',
  'mjs',
  'cjs',
  'wsf',
  'wsh',
  'lnk',
  'reg',
  'inf',
  'gadget',
  'jar',
  'sh',
  'bash',
  'zsh',
  'csh',
  'ksh',
  'command',
  'run',
  'elf',
  'appimage',
  'deb',
  'rpm',
  'py',
  'pl',
  'rb',
  'php',
  'apk',
  'aab',
  'xapk',
  'ipa',
  'dmg',
  'pkg',
  'app',
  'desktop',
]);

/** Why saving `name` needs a second thought, or null for an ordinary file. */
export function riskyFileReason(name: string): string | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  const extension = name.slice(dot + 1).toLowerCase();
  if (ACTIVE_DOCUMENTS.has(extension)) {
    return msg(
      str`“${name}” is a web document (.${extension}): opened, it runs whatever scripts it contains. Open it only if you trust who sent it.`,
    );
  }
  if (EXECUTABLES.has(extension)) {
    return msg(
      str`“${name}” is a program or script (.${extension}): opened, it can do anything you can on this computer. Open it only if you trust who sent it.`,
    );
  }
  return null;
}
