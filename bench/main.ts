/**
 * Benchmark runner: `npm run bench [-- name ...]` runs every scenario in bench/scenarios (or the
 * named ones) and rewrites their sections of BENCHMARKS.md, keeping the others. Each section
 * records the machine it ran on, so numbers from different runs are never mixed silently.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './machine.js';

export interface Scenario {
  /** Short id used on the command line and as the section marker. */
  name: string;
  /** Section heading in BENCHMARKS.md. */
  title: string;
  /** Runs the measurements, prints progress to stdout, returns the section body (Markdown). */
  run(): Promise<string>;
}

const benchmarksFile = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const scenariosDir = new URL('./scenarios/', import.meta.url);

async function loadScenarios(): Promise<Scenario[]> {
  const files = (await readdir(scenariosDir)).filter((f) => /\.ts$/.test(f)).sort();
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const module = (await import(new URL(file, scenariosDir).href)) as { scenario: Scenario };
    scenarios.push(module.scenario);
  }
  return scenarios;
}

function marker(name: string, edge: 'begin' | 'end'): string {
  return `<!-- bench:${name}:${edge} -->`;
}

function replaceSection(document: string, name: string, section: string): string {
  const begin = marker(name, 'begin');
  const end = marker(name, 'end');
  const block = `${begin}\n${section.trim()}\n${end}`;
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start === -1 || stop === -1) return `${document.trimEnd()}\n\n${block}\n`;
  return document.slice(0, start) + block + document.slice(stop + end.length);
}

const header = `# Benchmarks

Every number here is reproduced by \`npm run bench\` (or \`npm run bench -- <scenario>\` for one
section). Each section names the machine and the date of its run; ratios are measured side by
side in the same run.
`;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const all = await loadScenarios();
  const unknown = wanted.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new RangeError(`Unknown scenario(s) ${unknown.join(', ')}; expected one of ${all.map((s) => s.name).join(', ')}`);
  }
  const selected = wanted.length > 0 ? all.filter((s) => wanted.includes(s.name)) : all;
  let document = await readFile(benchmarksFile, 'utf8').catch(() => header);
  for (const scenario of selected) {
    console.log(`\n## ${scenario.title}`);
    const body = await scenario.run();
    const section = `## ${scenario.title}\n\n${describeMachine()}\n\n${body.trim()}\n`;
    document = replaceSection(document, scenario.name, section);
    await writeFile(benchmarksFile, document);
  }
}

await main();
