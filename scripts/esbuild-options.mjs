// The one esbuild configuration of the browser bundle, shared by `npm run build` and the browser
// test runner, so tests run the code exactly as users get it.
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** @type {import('esbuild').BuildOptions} */
export const clientBundleOptions = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  tsconfig: `${root}client/tsconfig.json`,
  // simple-peer (through readable-stream) expects Node's `global` and `process`; see client/net/process-shim.ts.
  define: { global: 'globalThis', 'process.env.NODE_DEBUG': 'undefined' },
  inject: [`${root}client/net/process-shim.ts`],
  logLevel: 'warning',
};

/**
 * The file worker (client/workers/file-worker.ts), served beside app.js as /file-worker.js: the same
 * options, minus the page's Node shims (it imports no simple-peer). `outdir` gets `file-worker.js`;
 * without one, the caller reads the bundle from `outputFiles`.
 * @param {string} [outdir]
 * @returns {import('esbuild').BuildOptions}
 */
export function fileWorkerOptions(outdir) {
  return {
    ...clientBundleOptions,
    inject: [],
    entryPoints: { 'file-worker': `${root}client/workers/file-worker.ts` },
    ...(outdir
      ? { outdir, minify: true, sourcemap: true }
      : { outdir: `${root}client/workers`, write: false }),
  };
}
