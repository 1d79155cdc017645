/**
 * Turns JavaScript source text into a timed run for `multicore timeit`, the way Python's timeit
 * fills its template: setup once per run, then the statement in a loop, in one function scope so
 * that the statement sees what the setup declared. The body is an async function, so both may
 * use `await` (for example `const { fib } = await import('./fib.js')`, resolved from the
 * current directory).
 */
import { IMPORT_FUNCTION, importFromCurrentDirectory, rewriteDynamicImports } from './rewrite-imports.js';
import type { TimedRun } from './timer.js';

type AsyncFunctionConstructor = new (...parameters: string[]) => (...args: unknown[]) => Promise<unknown>;
const AsyncFunction = (async () => {}).constructor as AsyncFunctionConstructor;

/** The source does not compile; the message says whether the setup or the statement is at fault. */
export class SourceSyntaxError extends SyntaxError {
  constructor(part: 'setup' | 'statement', cause: unknown) {
    super(`the ${part} is not valid JavaScript: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Compiles `setup` and `statement` into a TimedRun. Each is parsed alone first, so that a
 * syntax error names the part it is in rather than the template around them.
 */
export function compileTimedRun(setup: string, statement: string): TimedRun {
  const setupCode = rewrite('setup', setup);
  const statementCode = rewrite('statement', statement);
  // The template's own names start with __multicore so that user code does not clash with them.
  const body = `${setupCode}
;const __multicoreStart = process.hrtime.bigint();
for (let __multicoreLoop = 0; __multicoreLoop < __multicoreLoops; __multicoreLoop++) {
${statementCode}
}
return Number(process.hrtime.bigint() - __multicoreStart) / 1e9;`;
  const inner = new AsyncFunction('__multicoreLoops', IMPORT_FUNCTION, body);
  return async (loops) => (await inner(loops, importFromCurrentDirectory)) as number;
}

function rewrite(part: 'setup' | 'statement', source: string): string {
  try {
    return rewriteDynamicImports(source);
  } catch (error) {
    if (error instanceof SyntaxError) throw new SourceSyntaxError(part, error);
    throw error;
  }
}
