/**
 * The entry imports this before anything that builds a schema (only the early socket, which builds
 * none, comes first). Zod 4 compiles object parsers with `new Function` unless
 * told not to, and it decides when each schema is built; the app's Content-Security-Policy forbids
 * eval (no 'unsafe-eval'), so without this every page load logs a CSP violation for zod's probe
 * (https://github.com/colinhacks/zod/pull/4368, https://github.com/colinhacks/zod/issues/4461).
 */
import * as z from 'zod';

z.config({ jitless: true });
