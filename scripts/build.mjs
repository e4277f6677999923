// Builds the browser bundle (dist/client) and the server (dist/server) with esbuild.
// `--if-stale` skips the work when nothing under client/, shared/ or signaling/ changed since the last build.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { drawIcon } from './app-icons.mjs';
import { clientBundleOptions, fileWorkerOptions, root, workerOptions } from './esbuild-options.mjs';

const stampFile = join(root, 'dist', '.build-stamp');
// The emoji picker's data (English with Emojibase shortcodes; Chinese names and keywords for the
// 简体中文 picker), served by Parley's own server so the client needs no CDN;
// client/components/composer/emoji-data.ts names the URLs they are served at.
const resolvePackage = createRequire(import.meta.url).resolve;
const emojiData = {
  'emoji-data.json': resolvePackage('emoji-picker-element-data/en/emojibase/data.json'),
  'emoji-data-zh.json': resolvePackage('emoji-picker-element-data/zh/emojibase/data.json'),
};
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
// Chunks are named by content hash: the last build's must not linger in the shell.
await rm(join(root, 'dist', 'client', 'chunks'), { recursive: true, force: true });
const [clientApp] = await Promise.all([
  build({
    ...clientBundleOptions,
    entryPoints: { app: join(root, 'client', 'main.ts') },
    outdir: join(root, 'dist', 'client'),
    // Dynamic imports (the 简体中文 texts, client/i18n/locale.ts) become chunks loaded on first use.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    sourcemap: true,
    // Read below: which chunks app.js imports, preloaded by index.html.
    metafile: true,
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
  build(fileWorkerOptions(join(root, 'dist', 'client'))),
  build(workerOptions('verify-worker', join(root, 'dist', 'client'))),
  ...Object.entries(emojiData).map(([name, from]) => copyFile(from, join(root, 'dist', 'client', name))),
]);
await writeIndexHtml(clientApp.metafile);
const clientBuild = await buildInstallable(join(root, 'dist', 'client'));
await writeFile(stampFile, new Date().toISOString());
console.error(`built dist/ (client build ${clientBuild}) in ${Math.round(performance.now() - started)} ms`);

/**
 * client/index.html with a `modulepreload` link per chunk app.js imports: without them the browser
 * learns of the chunks only once app.js is parsed, and fetches them after it, one round trip and a
 * parse later (~70–100 ms of a returning member's start, measured in bench:groups).
 */
async function writeIndexHtml(metafile) {
  // Output paths are relative to the working directory: found by their ends.
  const app = Object.entries(metafile.outputs).find(([path]) => path.endsWith('dist/client/app.js'))?.[1];
  if (!app) throw new Error('the build has no dist/client/app.js');
  const links = app.imports
    .filter((imported) => imported.kind === 'import-statement')
    .map(
      (imported) =>
        `    <link rel="modulepreload" href="/${imported.path.slice(imported.path.indexOf('chunks/'))}" />\n`,
    )
    .join('');
  const script = '    <script type="module" src="/app.js"></script>\n';
  const html = await readFile(join(root, 'client', 'index.html'), 'utf8');
  if (!html.includes(script)) throw new Error('client/index.html lost its app.js script tag');
  await writeFile(join(root, 'dist', 'client', 'index.html'), html.replace(script, links + script));
}

/** A colour token of client/components/styles/tokens.ts (its light value: the first one written). */
async function token(name) {
  const tokens = await readFile(join(root, 'client', 'components', 'styles', 'tokens.ts'), 'utf8');
  const value = new RegExp(`--parley-${name}:\\s*(#[0-9a-f]{6})\\b`, 'i').exec(tokens)?.[1];
  if (!value) throw new Error(`tokens.ts has no #rrggbb --parley-${name}`);
  return value;
}

/**
 * What makes Parley installable and readable offline: the icons, the web app manifest, and the
 * service worker (client/pwa/sw.ts), which caches the shell under the build's content hash: the
 * SHA-256 of every shell file, so any change to what is served is a new build. Returns that hash.
 */
async function buildInstallable(out) {
  const accent = await token('accent');
  const background = await token('background');
  await mkdir(join(out, 'icons'), { recursive: true });
  const icons = [
    { file: 'icons/icon-192.png', size: 192, purpose: 'any', rounded: true },
    { file: 'icons/icon-512.png', size: 512, purpose: 'any', rounded: true },
    { file: 'icons/icon-maskable-512.png', size: 512, purpose: 'maskable', rounded: false },
  ];
  for (const icon of icons) await writeFile(join(out, icon.file), drawIcon(icon.size, accent, icon));
  const manifest = {
    name: 'Parley',
    short_name: 'Parley',
    description: 'Chat directly between browsers.',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: accent,
    background_color: background,
    icons: icons.map(({ file, size, purpose }) => ({
      src: `/${file}`,
      sizes: `${size}x${size}`,
      type: 'image/png',
      purpose,
    })),
  };
  await writeFile(join(out, 'manifest.webmanifest'), `${JSON.stringify(manifest, null, 2)}\n`);

  const chunks = (await readdir(join(out, 'chunks')).catch(() => []))
    .filter((name) => name.endsWith('.js'))
    .sort();
  const files = [
    'index.html',
    'app.js',
    'file-worker.js',
    'verify-worker.js',
    ...chunks.map((name) => `chunks/${name}`),
    ...Object.keys(emojiData),
    'manifest.webmanifest',
    ...icons.map((i) => i.file),
  ];
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(out, file)));
  }
  const buildHash = hash.digest('hex').slice(0, 12);
  await build({
    ...clientBundleOptions,
    // The worker imports nothing; it needs none of the page bundle's Node shims.
    inject: [],
    entryPoints: { sw: join(root, 'client', 'pwa', 'sw.ts') },
    outdir: out,
    minify: true,
    define: {
      __PARLEY_BUILD__: JSON.stringify(buildHash),
      // Not the pure-JS crypto chunk (client/app/identity/noble-provider.ts): only pages without
      // WebCrypto load it, and those are plain-http pages, where no service worker runs.
      __PARLEY_SHELL__: JSON.stringify(
        files
          .filter((file) => !file.startsWith('chunks/noble-provider-'))
          .map((file) => (file === 'index.html' ? '/' : `/${file}`)),
      ),
    },
  });
  return buildHash;
}
