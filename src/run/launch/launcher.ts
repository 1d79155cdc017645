/**
 * How a job's process is started and watched, whoever starts it: a child process of ours, a
 * queued job on Redis, or a process forked by the spawner helper. The runner sees only this.
 */
import type { ChildProcess } from 'node:child_process';
import type { Stream } from '../output/output.js';

export interface LaunchRequest {
  /** The command line as a byte string (one character per byte). */
  command: string;
  seq: number;
  slot: number;
  attempt: number;
  /** Whether the job's stdout and stderr come to us, or go straight to our own. */
  stdio: 'pipe' | 'inherit';
  /** --pipe: the job's stdin; otherwise it reads /dev/null, as with GNU parallel. */
  stdin: Buffer | undefined;
}

/** What a launcher reports of one job. */
export interface JobEvents {
  output(stream: Stream, chunk: Buffer): void;
  /** The job's process could not be started (its shell is missing, say); `closed` follows. */
  startFailed(error: Error): void;
  /** The system refused the command line after all (E2BIG, say); nothing follows. */
  launchFailed(error: Error): void;
  /** The job's process is gone and its stdout and stderr are closed. */
  closed(code: number | null, signal: NodeJS.Signals | null): void;
}

export interface JobProcess {
  /**
   * Stops the job: `terminate` is given its process group as soon as it has one, while a job
   * with no local process (--redis) is given up on.
   */
  stop(terminate: (pid: number) => void): void;
}

export interface Launcher {
  /** Starts a job; throws when the system refuses the command line (E2BIG, say). */
  launch(request: LaunchRequest, events: JobEvents): JobProcess;
  close(): Promise<void>;
}

/** A queued job: no slot yet; the launcher gives it the lowest free one when it starts it. */
export type QueuedRequest = Omit<LaunchRequest, 'slot' | 'stdin'>;

/** What a launcher reports of a queued job besides its output and end. */
export interface QueuedJobEvents extends JobEvents {
  /** The job's process started, in `slot`, at `epochMs` (undefined when the launcher cannot tell). */
  started(slot: number, epochMs: number | undefined): void;
  /** Taken back before it started (JobProcess.withdraw): it never ran, nothing else follows. */
  withdrawn(): void;
}

export interface QueuedJobProcess extends JobProcess {
  /** Takes the job back if it has not started yet (`withdrawn` follows); once started, nothing. */
  withdraw(): void;
  /**
   * Stops the job: withdraws it if it has not started, else as JobProcess.stop; one that
   * started meanwhile is stopped as soon as its start is known.
   */
  stop(terminate: (pid: number) => void): void;
}

/**
 * A launcher that owns the job slots: it takes jobs ahead of time and starts each, in order,
 * the moment one of its slots frees, without a round trip through us in between.
 */
export interface QueueingLauncher extends Launcher {
  enqueue(request: QueuedRequest, events: QueuedJobEvents): QueuedJobProcess;
}

/** Forwards a child process's (or a stand-in's) output and end to `events`; feeds its stdin. */
export function watchChild(child: ChildProcess, stdin: Buffer | undefined, events: JobEvents): JobProcess {
  child.stdout?.on('data', (chunk: Buffer) => events.output('stdout', chunk));
  child.stderr?.on('data', (chunk: Buffer) => events.output('stderr', chunk));
  if (stdin !== undefined && child.stdin !== null) {
    child.stdin.on('error', () => {}); // a job that reads no stdin closes it early: GNU ignores that too
    child.stdin.end(stdin);
  }
  child.on('error', (error) => events.startFailed(error));
  child.on('close', (code, signal) => events.closed(code, signal));
  return {
    stop: (terminate) => {
      if (child.pid === undefined) child.kill();
      else terminate(child.pid);
    },
  };
}
