/**
 * Node 20 does not run `--import` preloads in worker threads, and tsx only registers itself on
 * the main thread there, so TypeScript task modules would fail to load in workers. We register
 * the same loaders in each worker before it imports any task module. Node 22 and later run
 * preloads in workers themselves; there this does nothing.
 */
import { pathToFileURL } from 'node:url';

const nodeMajor = Number(process.versions.node.split('.')[0]);

export async function replayPreloads(execArgv: readonly string[]): Promise<void> {
  if (nodeMajor >= 22) return;
  // NODE_OPTIONS='--import tsx' counts too: it is not in execArgv.
  const nodeOptions = (process.env.NODE_OPTIONS ?? '').match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  const fromOptions = nodeOptions.map((arg) => arg.replace(/^(["'])(.*)\1$/, '$2'));
  for (const specifier of new Set(importedPreloads([...fromOptions, ...execArgv]))) {
    const resolved = resolvePreload(specifier);
    // `--import tsx` and `--import tsx/esm` (which registers nothing off the main thread itself).
    const tsx = /\/tsx\/dist\/(loader|esm\/index)\.mjs$/.exec(resolved);
    if (tsx !== null) {
      await registerTsx(new URL(tsx[1] === 'loader' ? './esm/api/index.mjs' : './api/index.mjs', resolved).href);
    } else {
      await import(resolved);
    }
  }
}

/** Node resolves `--import` paths against the working directory, and packages from there too. */
function resolvePreload(specifier: string): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(specifier)) return specifier;
  if (/^(\.{1,2})?\//.test(specifier)) return new URL(specifier, pathToFileURL(`${process.cwd()}/`)).href;
  return import.meta.resolve(specifier);
}

function importedPreloads(execArgv: readonly string[]): string[] {
  const specifiers: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (arg === '--import' && i + 1 < execArgv.length) specifiers.push(execArgv[++i]!);
    else if (arg.startsWith('--import=')) specifiers.push(arg.slice('--import='.length));
  }
  return specifiers;
}

async function registerTsx(apiUrl: string): Promise<void> {
  // tsx's public API registers its hooks on the current thread.
  const api = (await import(apiUrl)) as { register(): unknown };
  api.register();
}
