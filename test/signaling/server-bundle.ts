import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The repository root. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles signaling/main.ts to `outfile` like scripts/build.mjs does, so a test runs the process `npm
 * start` runs, and plain node starts it in a fraction of the time tsx would need. `outfile` must be
 * inside the repository, so the bundle's bare imports resolve from node_modules.
 */
export async function bundleServer(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(root, 'signaling', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: join(root, 'signaling', 'tsconfig.json'),
    logLevel: 'warning',
  });
}
