/**
 * zod as the functions use it: the mini build, with its English messages. Every schema a function builds or parses
 * with comes from here.
 *
 * Why mini: a function loads zod and builds its schemas while a cold container starts. zod's full build gives every
 * schema some forty methods as it is constructed and loads code no function calls; mini keeps those in functions
 * (`z.optional(s)`, `s.check(z.minLength(1))`), and its import costs a third of the full build's
 * (`npm run bench -- bundles` measures what a function's import costs). Its schemas, checks, issues and messages
 * are zod's core, the same as the full build's, so a caller reads the same 400 either way.
 * One thing the full build installs and this one does not: zod's memoizer, which only recursive schemas need. No
 * schema here is recursive; the first that is must add `memoizer: z.memoizer()` to the config below.
 *
 * The English messages are what the full build configures on import and mini leaves out; they are what a caller
 * reads in a 400's `invalidParams`. The OpenAPI document (lib/api: the apiDocs function and the tests build it) and
 * the sandbox keep the full build, for its `.meta()` chains; it reads these schemas through zod's core types.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export * from 'zod/mini';
