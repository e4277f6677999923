import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz } from './fuzz/run-fuzz.js';

// CI size: about 20 s on a quiet 2-core machine. `npm run fuzz -- --frames N` runs longer.
const FRAMES = 50_000;

test(`the server process survives ${FRAMES} fuzzed frames, still answers /healthz, and still serves`, async () => {
  const result = await runFuzz({ frames: FRAMES });
  assert.ok(result.frames >= FRAMES, `sent ${result.frames}`);
});
