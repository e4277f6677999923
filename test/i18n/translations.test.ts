/**
 * Every text of the UI has its 简体中文 translation: the committed XLIFF holds every `msg()` of the
 * source (re-extracted here into a temporary directory), each with a target that keeps the source's
 * placeholders, and the generated module (`npm run i18n:build`) carries exactly those targets.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { templates } from '../../client/i18n/generated/zh-Hans.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const committedXliff = join(root, 'client', 'i18n', 'xliff', 'zh-Hans.xlf');

interface Unit {
  readonly id: string;
  readonly source: string;
  readonly target: string | null;
}

/** The trans-units of an XLIFF file written by lit-localize (one `<trans-unit>` element each). */
function parseUnits(xliff: string): Unit[] {
  const units: Unit[] = [];
  for (const match of xliff.matchAll(/<trans-unit id="([^"]+)">([\s\S]*?)<\/trans-unit>/g)) {
    const [, id = '', body = ''] = match;
    const source = /<source>([\s\S]*?)<\/source>/.exec(body)?.[1] ?? '';
    const target = /<target>([\s\S]*?)<\/target>/.exec(body)?.[1] ?? null;
    units.push({ id, source, target });
  }
  return units;
}

/** The placeholders (`<x id="0" equiv-text="${seconds}"/>`) of a source or target, sorted. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/<x [^>]*equiv-text="([^"]*)"[^>]*\/>/g)].map((m) => m[1] ?? '').sort();
}

describe('the 简体中文 translation', () => {
  let units: Unit[] = [];
  let extracted: Unit[] = [];
  let scratch = '';

  before(async () => {
    units = parseUnits(await readFile(committedXliff, 'utf8'));
    scratch = await mkdtemp(join(tmpdir(), 'parley-i18n-'));
    const config = JSON.parse(await readFile(join(root, 'lit-localize.json'), 'utf8')) as {
      tsConfig: string;
      output: { outputDir: string };
      interchange: { xliffDir: string };
    };
    config.tsConfig = join(root, config.tsConfig);
    config.output.outputDir = join(scratch, 'generated');
    config.interchange.xliffDir = join(scratch, 'xliff');
    await writeFile(join(scratch, 'lit-localize.json'), JSON.stringify(config));
    const cli = join(root, 'node_modules', '@lit', 'localize-tools', 'bin', 'lit-localize.js');
    await promisify(execFile)(
      process.execPath,
      [cli, `--config=${join(scratch, 'lit-localize.json')}`, 'extract'],
      {
        cwd: root,
      },
    );
    extracted = parseUnits(await readFile(join(scratch, 'xliff', 'zh-Hans.xlf'), 'utf8'));
  });

  after(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('finds the texts of the source', () => {
    assert.ok(extracted.length > 100, `only ${extracted.length} texts extracted`);
  });

  it('has every text of the source in the committed XLIFF (run npm run i18n:extract)', () => {
    const committed = new Set(units.map((unit) => unit.id));
    const missing = extracted.filter((unit) => !committed.has(unit.id)).map((unit) => unit.source);
    assert.deepEqual(missing, []);
  });

  it('translates every text, keeping its placeholders', () => {
    const untranslated = units.filter((unit) => !unit.target?.trim()).map((unit) => unit.source);
    assert.deepEqual(untranslated, []);
    for (const unit of units) {
      assert.deepEqual(
        placeholders(unit.target ?? ''),
        placeholders(unit.source),
        `placeholders of "${unit.source}"`,
      );
    }
  });

  it('has built every translation into the generated module (run npm run i18n:build)', () => {
    const built = templates as Record<string, unknown>;
    const stale = units.filter((unit) => !(unit.id in built)).map((unit) => unit.source);
    assert.deepEqual(stale, []);
    for (const unit of units) {
      if (unit.target === null || unit.target.includes('<x ')) continue;
      assert.equal(built[unit.id], unescapeXml(unit.target), `built text of "${unit.source}"`);
    }
  });
});

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
