/**
 * The modules a file loads before its code runs: the closure of its static `import` and
 * `export ... from` statements over relative paths (dynamic `import()` is left out: it loads on
 * first use). Used to count what a thread worker loads at start, where a loader hook cannot see.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const staticImport = /^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

export function staticModuleClosure(file: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const match of readFileSync(path, 'utf8').matchAll(staticImport)) visit(resolve(dirname(path), match[1]!));
  };
  visit(resolve(file));
  return [...seen];
}
