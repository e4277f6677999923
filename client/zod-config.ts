/**
 * Must be the first import of the entry. Zod 4 compiles object parsers with `new Function` unless
 * told not to, and it decides when each schema is built; the app's Content-Security-Policy forbids
 * eval (no 'unsafe-eval'), so without this every page load logs a CSP violation for zod's probe
 * (https://github.com/colinhacks/zod/pull/4368, https://github.com/colinhacks/zod/issues/4461).
 */
import * as z from 'zod';

z.config({ jitless: true });
