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
 * A worker of client/workers/ (`name`: file-worker, verify-worker), served beside app.js as
 * /`name`.js: the same options, minus the page's Node shims (no worker imports simple-peer).
 * `outdir` gets `name`.js; without one, the caller reads the bundle from `outputFiles`.
 * @param {string} name
 * @param {string} [outdir]
 * @returns {import('esbuild').BuildOptions}
 */
export function workerOptions(name, outdir) {
  return {
    ...clientBundleOptions,
    inject: [],
    entryPoints: { [name]: `${root}client/workers/${name}.ts` },
    ...(outdir
      ? { outdir, minify: true, sourcemap: true }
      : { outdir: `${root}client/workers`, write: false }),
  };
}

/**
 * The file worker (client/workers/file-worker.ts).
 * @param {string} [outdir]
 */
export function fileWorkerOptions(outdir) {
  return workerOptions('file-worker', outdir);
}
