/**
 * `npm run fuzz -- --frames 500000 [--seed 42]`: a longer fuzz run than `npm test`'s. Prints one JSON
 * line with what ran; exits 1 (with fast-check's counterexample and seed) when the server failed.
 */
import { parseArgs } from 'node:util';
import { runFuzz } from './run-fuzz.js';

const { values } = parseArgs({
  options: { frames: { type: 'string', default: '200000' }, seed: { type: 'string' } },
});
const frames = Number(values.frames);
if (!Number.isInteger(frames) || frames < 1) throw new TypeError('--frames must be a positive integer');
const result = await runFuzz({
  frames,
  seed: values.seed === undefined ? undefined : Number(values.seed),
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${JSON.stringify(result)}\n`);
