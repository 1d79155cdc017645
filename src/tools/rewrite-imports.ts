/**
 * Code given on the command line should import the way a script in the current directory does:
 * `await import('./fib.js')` means ./fib.js here, not next to multicore's own files (where a
 * function built with `new AsyncFunction` would resolve it). We parse the code with acorn and send
 * every `import(...)` through a function that resolves relative and absolute paths from the
 * current directory.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, type Node } from 'acorn';

/** The name the rewritten code calls instead of `import`; the template defines it. */
export const IMPORT_FUNCTION = '__multicoreImport';

/**
 * Parses `source` as the body of an async function and renames each `import(` to
 * `__multicoreImport(`; throws acorn's SyntaxError (with line and column) if it does not parse.
 */
export function rewriteDynamicImports(source: string): string {
  const program = parse(source, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    allowAwaitOutsideFunction: true,
    allowReturnOutsideFunction: true,
  });
  const starts: number[] = [];
  visit(program, (node) => {
    if (node.type === 'ImportExpression') starts.push(node.start);
  });
  let rewritten = source;
  for (const start of starts.sort((a, b) => b - a)) {
    rewritten = `${rewritten.slice(0, start)}${IMPORT_FUNCTION}${rewritten.slice(start + 'import'.length)}`;
  }
  return rewritten;
}

/** `import()` with paths ('./x.js', '../x.js', '/abs/x.js') resolved from the current directory. */
export function importFromCurrentDirectory(specifier: string, options?: ImportCallOptions): Promise<unknown> {
  const isPath = specifier.startsWith('./') || specifier.startsWith('../') || path.isAbsolute(specifier);
  const target = isPath ? pathToFileURL(path.resolve(specifier)).href : specifier;
  return options === undefined ? import(target) : import(target, options);
}

function visit(node: Node, onNode: (node: Node) => void): void {
  onNode(node);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item, onNode);
    } else if (isNode(value)) {
      visit(value, onNode);
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}
