/**
 * Run by plain `node` in a fresh process: imports one module (a package name, or "nothing" for
 * none) and prints, as JSON, the milliseconds the import took and since the process started.
 * Usage: node import-only.mjs <specifier|nothing>
 */
const specifier = process.argv[2];
const started = performance.now();
if (specifier !== 'nothing') await import(specifier);
const done = performance.now();
process.stdout.write(`${JSON.stringify({ importMs: done - started, fromProcessStart: done })}\n`);
