/**
 * Which JavaScript runtime runs us. Bun and Deno both report an emulated Node version in
 * `process.version`, so the real one comes from their own globals.
 */

/** The runtime this process runs on, e.g. `{ name: 'bun', version: '1.4.5' }`. */
export interface RuntimeInfo {
  name: 'node' | 'bun' | 'deno';
  /** The runtime's own version, without a leading "v". */
  version: string;
}

interface RuntimeGlobals {
  Deno?: { version?: { deno?: string } };
}

export function currentRuntime(): RuntimeInfo {
  const deno = (globalThis as RuntimeGlobals).Deno?.version?.deno;
  if (typeof deno === 'string') return { name: 'deno', version: deno };
  const bun = (process.versions as Record<string, string | undefined>).bun;
  if (typeof bun === 'string') return { name: 'bun', version: bun };
  return { name: 'node', version: process.versions.node };
}

/** "Bun 1.4.5": how error messages and `multicore info` name the runtime. */
export function describeRuntime(runtime: RuntimeInfo = currentRuntime()): string {
  const display = { node: 'Node.js', bun: 'Bun', deno: 'Deno' }[runtime.name];
  return `${display} ${runtime.version}`;
}
