// Builds the browser bundle (dist/client) and the server (dist/server) with esbuild.
// `--if-stale` skips the work when nothing under client/, shared/ or signaling/ changed since the last build.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { clientBundleOptions, root } from './esbuild-options.mjs';

const stampFile = join(root, 'dist', '.build-stamp');
// The emoji picker's data (English, Emojibase shortcodes), served by Parley's own server so the
// client needs no CDN; client/components/composer/emoji-data.ts names the URL it is served at.
const emojiData = createRequire(import.meta.url).resolve('emoji-picker-element-data/en/emojibase/data.json');
const sources = ['client', 'shared', 'signaling', 'scripts', 'package-lock.json'];

async function newestMtime(path) {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

async function isStale() {
  const stamp = await stat(stampFile).catch(() => null);
  if (!stamp) return true;
  const newest = Math.max(...(await Promise.all(sources.map((s) => newestMtime(join(root, s))))));
  return newest > stamp.mtimeMs;
}

if (process.argv.includes('--if-stale') && !(await isStale())) process.exit(0);

const started = performance.now();
await mkdir(join(root, 'dist', 'client'), { recursive: true });
await Promise.all([
  build({
    ...clientBundleOptions,
    entryPoints: { app: join(root, 'client', 'main.ts') },
    outdir: join(root, 'dist', 'client'),
    minify: true,
    sourcemap: true,
    metafile: false,
  }),
  build({
    entryPoints: { main: join(root, 'signaling', 'main.ts') },
    outdir: join(root, 'dist', 'server'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    tsconfig: join(root, 'signaling', 'tsconfig.json'),
    logLevel: 'warning',
  }),
  copyFile(join(root, 'client', 'index.html'), join(root, 'dist', 'client', 'index.html')),
  copyFile(emojiData, join(root, 'dist', 'client', 'emoji-data.json')),
]);
await writeFile(stampFile, new Date().toISOString());
console.error(`built dist/ in ${Math.round(performance.now() - started)} ms`);
