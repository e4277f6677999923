// Types of esbuild-options.mjs, for the TypeScript that builds with it (bench/history.ts).
import type { BuildOptions } from 'esbuild';

export declare const root: string;
export declare const clientBundleOptions: BuildOptions;
export declare function fileWorkerOptions(outdir?: string): BuildOptions;
