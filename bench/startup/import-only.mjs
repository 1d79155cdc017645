/**
 * Run by plain `node` in a fresh process: imports one module (a package name, or "nothing" for
 * none) and prints, as JSON, the milliseconds the import took (wall and CPU time) and since the
 * process started, and how many of Node's built-in modules the import loaded.
 * Usage: node import-only.mjs <specifier|nothing>
 */
const specifier = process.argv[2];
const builtinsBefore = process.moduleLoadList.length;
const cpuBefore = process.cpuUsage();
const started = performance.now();
if (specifier !== 'nothing') await import(specifier);
const done = performance.now();
// CPU time of the whole process (every thread) during the import: what other load on a shared
// machine disturbs least.
const cpu = process.cpuUsage(cpuBefore);
// Node's own modules and bindings that the import loaded (Node only: process.moduleLoadList).
const builtins = process.moduleLoadList.slice(builtinsBefore).filter((entry) => entry.startsWith('NativeModule ')).length;
process.stdout.write(`${JSON.stringify({ importMs: done - started, importCpuMs: (cpu.user + cpu.system) / 1000, fromProcessStart: done, builtins })}\n`);
