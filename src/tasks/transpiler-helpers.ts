/**
 * Helpers that transpilers insert into function bodies: esbuild (used by tsx) wraps functions in
 * `__name(fn, "name")` to keep their names. An inline function that uses one is not capturing a
 * variable; the worker provides the helper when it compiles the function. This module is shared
 * by both sides and imports nothing, so that workers do not load the parser.
 */
export const transpilerHelpers = {
  __name: (target: object, value: string) => Object.defineProperty(target, 'name', { value, configurable: true }),
} as const;

export const transpilerHelperNames = Object.keys(transpilerHelpers) as (keyof typeof transpilerHelpers)[];
