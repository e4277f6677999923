/**
 * The `process` that simple-peer's dependencies (readable-stream) expect, injected by esbuild into
 * the browser bundle (scripts/esbuild-options.mjs).
 *
 * HACK: `nextTick` must be a microtask. The `process` npm package uses setTimeout, which Chromium
 * clamps to 4 ms when nested, and the stream API then drops from ~40 to ~4 MB/s
 * (https://github.com/feross/simple-peer/issues/561, https://html.spec.whatwg.org/#timers step 5).
 */
export const process = {
  nextTick: (fn: (...args: unknown[]) => void, ...args: unknown[]): void => queueMicrotask(() => fn(...args)),
  env: {} as Record<string, string | undefined>,
  browser: true,
  version: '',
  versions: {} as Record<string, string>,
};
