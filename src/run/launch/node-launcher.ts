/**
 * Starting each job as a child process of ours: `$PARALLEL_SHELL -c command` (default
 * /bin/sh) in a process group of its own, so that stopping the job stops everything it
 * started too.
 */
import { spawn } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
import { watchChild, type JobEvents, type JobProcess, type LaunchRequest, type Launcher } from './launcher.js';

/** The shell that runs the command lines; GNU parallel's PARALLEL_SHELL overrides it. */
export function jobShell(): string {
  const configured = process.env.PARALLEL_SHELL;
  return configured === undefined || configured === '' ? '/bin/sh' : configured;
}

/** Our environment for the jobs, copied once: reading process.env goes through a slow accessor. */
export function jobEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, PARALLEL_PID: String(process.pid) };
}

/**
 * The script to give the shell. Node passes arguments as UTF-8 text, so a command line with
 * bytes that are not UTF-8 (a file named `caf\xe9`) is sent as ASCII that rebuilds those bytes
 * with printf (octal escapes) and runs them with eval: the shell sees the very same bytes.
 */
export function shellScript(command: string): string {
  const bytes = Buffer.from(command, 'latin1');
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let escaped = '';
  for (const byte of bytes) {
    escaped += (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x20
      ? String.fromCharCode(byte)
      : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  // The trailing x keeps the newlines at the end, which $(...) would strip.
  return `multicore_run_command=$(printf '${escaped}x'); eval "\${multicore_run_command%x}"`;
}

export class NodeLauncher implements Launcher {
  readonly #shell = jobShell();
  readonly #environment = jobEnvironment();
  readonly #cwd: string | undefined;

  constructor(cwd: string | undefined) {
    this.#cwd = cwd;
  }

  launch(request: LaunchRequest, events: JobEvents): JobProcess {
    const child = spawn(this.#shell, ['-c', shellScript(request.command)], {
      detached: true,
      cwd: this.#cwd,
      stdio: [request.stdin === undefined ? 'ignore' : 'pipe', request.stdio, request.stdio],
      env: { ...this.#environment, PARALLEL_SEQ: String(request.seq), PARALLEL_JOBSLOT: String(request.slot) },
    });
    return watchChild(child, request.stdin, events);
  }

  async close(): Promise<void> {}
}
