// Browser tests (`npm run test:browser`): real Chromium, real IndexedDB and WebRTC.
//
// Each test file is bundled by esbuild with the app's own options (scripts/esbuild-options.mjs), so
// tests run the code exactly as users get it, shims for CommonJS simple-peer included. The dev
// server's own module resolution never sees app code.
import path from 'node:path';
import { build } from 'esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';
import { clientBundleOptions, root, workerOptions } from './scripts/esbuild-options.mjs';

const testFiles = 'test/client/**/*.test.ts';
/** The URL paths `bundleTestFiles` answers: test files under test/client/, and the workers. */
const testFilePath = /^\/test\/client\/.+\.test\.ts$/;
const workerPath = /^\/(file-worker|verify-worker)\.js$/;

/** @returns {import('@web/dev-server-core').Plugin} */
function bundleTestFiles() {
  /** @type {import('chokidar').FSWatcher | undefined} */
  let fileWatcher;
  /** @type {import('@web/dev-server-core').Logger | undefined} */
  let logger;
  return {
    name: 'bundle-test-files',
    serverStart(args) {
      fileWatcher = args.fileWatcher;
      logger = args.logger;
    },
    async serve(context) {
      // The workers, at the paths the app starts them from, bundled as the build bundles them.
      const worker = workerPath.exec(context.path)?.[1];
      if (worker) {
        const result = await build({ ...workerOptions(worker), sourcemap: 'inline', sourcesContent: false });
        return { body: result.outputFiles[0].text, type: 'js' };
      }
      if (!testFilePath.test(context.path)) return undefined;
      const file = path.join(root, decodeURIComponent(context.path));
      if (!file.startsWith(path.join(root, 'test', 'client') + path.sep)) return undefined;
      try {
        const result = await build({
          ...clientBundleOptions,
          entryPoints: [file],
          // Never written: `outfile` only places the bundle beside the test file, so the inline
          // source map's relative paths resolve from the URL the browser loaded.
          outfile: file.replace(/\.ts$/, '.bundle.js'),
          write: false,
          sourcemap: 'inline',
          // Halves the bundle (axe-core, from @open-wc/testing, is most of it); stack traces only
          // need the mappings, and a debugging browser fetches the sources from this server.
          sourcesContent: false,
          metafile: true,
        });
        // In --watch mode, a change to any bundled file (not just the test) reruns the tests.
        fileWatcher?.add(Object.keys(result.metafile.inputs).map((input) => path.resolve(root, input)));
        return { body: result.outputFiles[0].text, type: 'js' };
      } catch (error) {
        // esbuild has printed the details; fail this test file with a readable reason.
        const reason = `could not bundle ${context.path}: ${error instanceof Error ? error.message : error}`;
        logger?.error(reason);
        return { body: `throw new Error(${JSON.stringify(reason)});`, type: 'js' };
      }
    },
    transform(context) {
      // The bundle depends on files the transform cache does not know about: never cache it.
      if (testFilePath.test(context.path) || workerPath.test(context.path)) return { transformCache: false };
      return undefined;
    },
  };
}

/** @type {import('@web/test-runner').TestRunnerConfig} */
const config = {
  rootDir: root,
  files: testFiles,
  // esbuild resolved every import already; the dev server has nothing left to resolve.
  nodeResolve: false,
  plugins: [bundleTestFiles()],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: chromiumPath,
        headless: true,
        args: [...chromiumArgs],
      },
      // Every test file gets its own context: its own IndexedDB, localStorage and permissions.
      createBrowserContext: ({ browser }) =>
        browser.newContext({ permissions: ['microphone', 'notifications'] }),
    }),
  ],
  // Two cores: two test files at a time.
  concurrency: 2,
  testFramework: { config: { timeout: 5000 } },
  // Files move tens of MiB in some tests; on two loaded cores a file can take minutes.
  testsFinishTimeout: 240_000,
};

export default config;
