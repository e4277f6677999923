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
