#!/usr/bin/env node
/**
 * The `multicore` command. Each subcommand lives in its own module and is imported only when
 * used, so that `multicore run` (which spawns many processes) keeps a small parent process.
 */
import { packageVersion } from './package-version.js';
import { closest } from './tool-options.js';

interface Command {
  summary: string;
  load(): Promise<{ main(argv: string[]): Promise<number> }>;
}

const commands: Record<string, Command> = {};

/** Registers a subcommand; called below, one line per command module. */
function defineCommand(name: string, summary: string, load: Command['load']): void {
  commands[name] = { summary, load };
}

// Subcommands register here, one line each, as their modules land.
defineCommand('info', 'cores, memory and disk of this machine', () => import('./info.js'));
defineCommand('timeit', 'time a JavaScript statement, printed like IPython %timeit', () => import('./timeit.js'));
defineCommand('scale', 'speedup at 1, 2, ... workers, with Amdahl fit and charts', () => import('./scale.js'));
defineCommand('run', 'run shell jobs in parallel (GNU parallel compatible)', () => import('./run.js'));
defineCommand('worker', 'serve task modules to pools with backend \'redis\'', () => import('./worker.js'));

function usage(): string {
  const width = Math.max(0, ...Object.keys(commands).map((name) => name.length));
  const list = Object.entries(commands)
    .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
    .join('\n');
  return `Usage: multicore <command> [options]\n\nCommands:\n${list}\n\nRun 'multicore <command> --help' for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    console.log(packageVersion());
    return 0;
  }
  if (name.startsWith('-')) {
    console.error(`multicore: unknown option '${name}'. Options go after the command, e.g. multicore info --json.\nRun 'multicore --help' for the commands.`);
    return 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    const near = closest(name, Object.keys(commands));
    console.error(`multicore: unknown command '${name}'.${near === undefined ? '' : ` Did you mean '${near}'?`}\nRun 'multicore --help' for the commands.`);
    return 2;
  }
  const module = await command.load();
  return module.main(rest);
}

process.exitCode = await main(process.argv.slice(2));
