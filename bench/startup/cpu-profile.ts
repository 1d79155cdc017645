/**
 * Where a fresh `node` process spends its time when it imports multicore: a `--cpu-prof` of
 * import-only.mjs, its samples' self time summed by what the sampled function does.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const importOnly = fileURLToPath(new URL('./import-only.mjs', import.meta.url));

const fileReads = new Set(['openFileHandle', 'fstat', 'read', 'close', 'realpathSync', 'lstat', 'internalModuleStat', 'readFileHandle']);
const compiling = new Set(['compileSourceTextModule', 'compileForInternalLoader', 'parse', 'compileFunction']);

/** The categories, in the order they are reported. */
export const profileCategories = [
  'reading module files (open, fstat, read, realpath)',
  'waiting for those reads (idle)',
  'compiling (our modules and node built-ins)',
  'resolving and linking modules (node:internal/modules, URLs)',
  "running multicore's module bodies",
  'garbage collection',
  'node start-up and the rest',
] as const;
export type ProfileCategory = (typeof profileCategories)[number];

function categorize(frame: ProfileNode['callFrame']): ProfileCategory {
  const { functionName, url } = frame;
  if (fileReads.has(functionName)) return profileCategories[0];
  if (functionName === '(idle)') return profileCategories[1];
  if (compiling.has(functionName)) return profileCategories[2];
  if (url.startsWith('node:internal/modules/') || url === 'node:internal/url' || url.startsWith('node:internal/fs/')) return profileCategories[3];
  if (url.startsWith('file:') && url.includes('/dist/')) return profileCategories[4];
  if (functionName === '(garbage collector)') return profileCategories[5];
  return profileCategories[6];
}

/** Milliseconds per category over the whole process (start to exit) importing `specifier`. */
export async function profileImport(specifier: string): Promise<Map<ProfileCategory, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'multicore-cpuprof-'));
  try {
    await promisify(execFile)(process.execPath, ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${dir}`, importOnly, specifier], { timeout: 60_000 });
    const [file] = readdirSync(dir);
    const profile = JSON.parse(readFileSync(join(dir, file!), 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const totals = new Map<ProfileCategory, number>(profileCategories.map((category) => [category, 0]));
    profile.samples.forEach((id, i) => {
      const category = categorize(byId.get(id)!.callFrame);
      totals.set(category, totals.get(category)! + profile.timeDeltas[i]! / 1000);
    });
    return totals;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
