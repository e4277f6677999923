/**
 * The globals that web-test-runner's mocha (BDD interface) defines before it imports a browser test
 * file, typed without @types/mocha. Only what the browser tests use: `.only` and `.skip` are left
 * out on purpose, so a focused or skipped test does not compile. The Node tests in test/ import
 * their `describe`/`it` from `node:test`, which shadows these.
 */

/** `this` inside a test or hook (a `function`, not an arrow). */
interface MochaContext {
  /** This test's (or hook's) time limit in ms, instead of the runner's default. */
  timeout(ms: number): void;
}

type MochaTest = (this: MochaContext) => void | Promise<unknown>;

/** A group of tests; groups nest. */
declare function describe(title: string, body: () => void): void;
/** One test; it fails if `test` throws or its promise rejects. */
declare function it(title: string, test: MochaTest): void;
/** Runs once before the tests of the enclosing `describe` (or of the file). */
declare function before(hook: MochaTest): void;
/** Runs once after the tests of the enclosing `describe` (or of the file). */
declare function after(hook: MochaTest): void;
/** Runs before each test of the enclosing `describe` (or of the file). */
declare function beforeEach(hook: MochaTest): void;
/** Runs after each test of the enclosing `describe`, even a failed one. */
declare function afterEach(hook: MochaTest): void;
