/**
 * Helpers that rewritten function bodies call, provided by the worker when it compiles an inline
 * function:
 * - esbuild (used by tsx) wraps functions in `__name(fn, "name")` to keep their names. An inline
 *   function that uses one is not capturing a variable.
 * - multicore rewrites `import(x)` to `__multicoreImport(base, x)` and `import.meta` to
 *   `__multicoreMeta(base)`, where base is the URL of the module that called the pool, so that
 *   relative paths mean what they mean in that module's own code (see inline.ts).
 * - An object method's source (`m() {}`, `get size() {}`, `[Symbol.iterator]() {}`) is no
 *   expression, so it travels inside an object literal, `__multicoreMethod({ m() {} })`, which
 *   takes the function back out: a getter or setter as the function it is (never its value), a
 *   symbol-keyed method as well as a named one.
 * This module is shared by both sides and imports no parser, so that workers do not load one.
 */
import { dirname } from 'node:path';

/** node:url, on first use: a thread worker whose tasks succeed never needs it, and it is a module Node would otherwise load at every worker's start. */
const nodeUrl = () => process.getBuiltinModule('node:url');

/** `./x.js`, `../x.js`, `/abs/x.js` and Windows paths: specifiers resolved against the base. */
function isPathSpecifier(specifier: string): boolean {
  return /^\.{0,2}\//.test(specifier) || /^[A-Za-z]:[\\/]/.test(specifier);
}

function resolveFrom(base: string, specifier: string): string {
  return isPathSpecifier(specifier) ? new URL(specifier, base).href : specifier;
}

export const transpilerHelpers = {
  __multicoreMethod: (holder: object) => {
    const own = Object.getOwnPropertyDescriptor(holder, Reflect.ownKeys(holder)[0]!)!;
    return own.get ?? own.set ?? own.value;
  },
  __name: (target: object, value: string) => Object.defineProperty(target, 'name', { value, configurable: true }),
  __multicoreImport: (base: string, specifier: unknown, options?: ImportCallOptions) => {
    const target = typeof specifier === 'string' ? resolveFrom(base, specifier) : specifier;
    return options === undefined ? import(target as string) : import(target as string, options);
  },
  __multicoreMeta: (base: string) => {
    const filename = base.startsWith('file:') ? nodeUrl().fileURLToPath(base) : undefined;
    return {
      url: base,
      filename,
      dirname: filename === undefined ? undefined : dirname(filename),
      resolve: (specifier: string) => {
        if (!isPathSpecifier(specifier) && !/^[a-z][a-z\d+.-]*:/i.test(specifier)) {
          throw new TypeError(
            `import.meta.resolve('${specifier}') in an inline task resolves paths only; write await import('${specifier}') instead, which finds the package.`,
          );
        }
        return resolveFrom(base, specifier);
      },
    };
  },
} as const;

export const transpilerHelperNames = Object.keys(transpilerHelpers) as (keyof typeof transpilerHelpers)[];
