/** `multicore info`: cores, memory and disk of this machine, as a table or JSON. */
import { describeRuntime } from '../system/js-runtime.js';
import { sysinfo, type SysInfo } from '../system/sysinfo.js';
import { runCommand, type CommandOptions } from './tool-options.js';

const HELP = `Usage: multicore info [--json] [--path DIR]

Cores, memory and disk of this machine, with the limits of its container.

Options:
  --json        print JSON: { cores, memory, disk, platform, arch, node, runtime }
  --path DIR    report the disk that holds DIR (default: the current directory)
  --root DIR    read /proc and /sys under DIR instead of / (for tests)
  -h, --help    show this help

Exit status: 0 success, 1 the facts could not be read (e.g. --path does not
exist), 2 wrong usage.

'Usable cores' is the smallest of the CPUs Node may use, this process's CPU
affinity and the cgroup CPU quota (rounded up): the Pool's default worker count.`;

/** Its options besides -h/--help. */
const options = {
  json: { type: 'boolean', default: false },
  path: { type: 'string' },
  root: { type: 'string' },
} satisfies CommandOptions;

/** Runs `multicore info` with the arguments after the command name; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  return runCommand(argv, { name: 'info', help: HELP, options }, async ({ values }) => {
    const info = sysinfo({ path: values.path, root: values.root });
    console.log(values.json ? JSON.stringify(info, null, 2) : renderInfo(info));
    return 0;
  });
}

/** The human table: one fact per line, sizes in GiB. */
export function renderInfo(info: SysInfo): string {
  const { cores, memory, disk } = info;
  const rows: Array<[string, string]> = [
    ['CPU model', cores.model ?? 'unknown'],
    ['Logical cores', String(cores.logical)],
    ['Physical cores', cores.physical === null ? 'unknown' : String(cores.physical)],
    ['CPU affinity', cores.affinity === null ? 'unknown' : `${cores.affinity} CPUs`],
    ['cgroup CPU quota', cores.cgroupQuota === null ? 'none' : `${cores.cgroupQuota} CPUs`],
    ['Usable cores', `${cores.usable}  (the Pool's default worker count)`],
    ['Memory total', memory.total === null ? 'unknown' : gibibytes(memory.total)],
    ['Memory available', memory.available === null ? 'unknown' : gibibytes(memory.available)],
    ['cgroup memory limit', memory.cgroupLimit === null ? 'none' : gibibytes(memory.cgroupLimit)],
    ['Disk', `${disk.path}`],
    ['Disk total', disk.total === null ? 'unknown' : gibibytes(disk.total)],
    ['Disk free', disk.free === null ? 'unknown' : gibibytes(disk.free)],
    ['System', `${info.platform} ${info.arch}, ${systemRuntime(info)}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** Bun and Deno emulate a Node version; name the runtime that really runs, and that version too. */
function systemRuntime(info: SysInfo): string {
  if (info.runtime.name === 'node') return `Node ${info.node}`;
  return `${describeRuntime(info.runtime)} (Node ${info.node} compatible)`;
}

function gibibytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
