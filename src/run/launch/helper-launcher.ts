/**
 * Starting the jobs through the spawner helper (spawner-script.ts): one small Perl process
 * that forks every job for us, so that our own, much larger, process never forks. Used for the
 * local jobs whose stdin is /dev/null (all but --pipe) when perl and the job shell are there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { JobEvents, JobProcess, LaunchRequest, QueuedJobEvents, QueuedJobProcess, QueuedRequest, QueueingLauncher } from './launcher.js';
import { spawnerConstants, spawnerScript } from './spawner-script.js';

/** The path of an executable `name` (a path, or a command looked up in PATH), if there is one. */
export function findExecutable(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/') ? [name] : searchPath.split(':').filter((dir) => dir !== '').map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here, or not executable: try the next directory.
    }
  }
  return undefined;
}

const signalNames = new Map(Object.entries(os.constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));

/**
 * Runs a kill now, or once the helper has answered every take-back sent before it: a kill ends a
 * job and frees its slot, and a helper that had not yet read a take-back would start that job in it.
 */
type KillGate = (kill: () => void) => void;

/** A job started by the helper: its events, and a stop asked for before its pid was known. */
class HelperJob implements QueuedJobProcess {
  readonly events: JobEvents;
  /** Set for a queued job (Q), which is told when it starts; undefined for one started at once (J). */
  readonly queued: QueuedJobEvents | undefined;
  readonly #sendTakeBack: () => void;
  readonly #afterTakeBacks: KillGate;
  pid: number | undefined;
  #takenBack = false;
  #pendingStop: ((pid: number) => void) | undefined;

  constructor(events: JobEvents, queued: QueuedJobEvents | undefined, sendTakeBack: () => void, afterTakeBacks: KillGate) {
    this.events = events;
    this.queued = queued;
    this.#sendTakeBack = sendTakeBack;
    this.#afterTakeBacks = afterTakeBacks;
  }

  stop(terminate: (pid: number) => void): void {
    const { pid } = this;
    if (pid !== undefined) {
      this.#afterTakeBacks(() => terminate(pid));
      return;
    }
    this.#pendingStop = terminate;
    this.withdraw();
  }

  withdraw(): void {
    if (this.queued === undefined || this.pid !== undefined || this.#takenBack) return;
    this.#takenBack = true;
    this.#sendTakeBack();
  }

  started(pid: number, slot: number, epochMs: number | undefined): void {
    this.pid = pid;
    this.queued?.started(slot, epochMs);
    const stop = this.#pendingStop;
    this.#pendingStop = undefined;
    if (stop !== undefined) this.#afterTakeBacks(() => stop(pid));
  }
}

const newline = 0x0a;

/**
 * How long kills wait for the helper's answers to the take-backs sent before them: a round trip
 * takes milliseconds even on a loaded machine; past this the helper is not reading (stopped).
 */
export const heldKillsLimitMs = 2000;

export class HelperLauncher implements QueueingLauncher {
  readonly #helper: ChildProcess;
  readonly #requests: Writable;
  readonly #jobs = new Map<number, HelperJob>();
  readonly #exited: Promise<void>;
  #unread = Buffer.alloc(0);
  /** Why the helper can take no more jobs, once it cannot. */
  #gone: Error | undefined;

  /**
   * The jobs taken back (C sent) whose answer has not come yet: N, or P for one that started
   * before the helper read the take-back. Kills wait in #heldKills until none is left.
   */
  readonly #unansweredTakeBacks = new Set<number>();
  #heldKills: (() => void)[] = [];
  /** Lets the held kills go after heldKillsLimitMs all the same: a stop must stop, answer or not. */
  #heldKillsTimer: NodeJS.Timeout | undefined;

  /** Requests written in this turn of the event loop, sent in one write at its end. */
  #pending: Buffer[] = [];
  readonly #slots: number;

  /**
   * `perl` and `shell` as found by findExecutable; `environment` is the jobs' (PARALLEL_PID set);
   * `slots`: how many queued jobs (enqueue) may run at once, 0 when jobs are only launched;
   * `constants` as spawnerConstants gives them (a test leaves out the system call numbers).
   */
  constructor(perl: string, shell: string, environment: NodeJS.ProcessEnv, cwd: string | undefined, slots: number, constants = spawnerConstants()) {
    this.#slots = slots;
    const dropDenoMarker = environment.DENO_EXTRA_STDIO_FDS === undefined ? '1' : '';
    this.#helper = spawn(perl, ['-e', spawnerScript, shell, dropDenoMarker, String(slots), constants], {
      cwd, env: environment, detached: true, stdio: ['pipe', 'inherit', 'inherit', 'pipe'],
    });
    this.#requests = this.#helper.stdin!;
    (this.#helper.stdio[3] as Readable).on('data', (chunk: Buffer) => this.#read(chunk));
    this.#exited = new Promise((resolve) => {
      this.#helper.on('close', (code, signal) => {
        this.#gone ??= new Error(`the spawner helper ended (${signal ?? `status ${String(code)}`})`);
        this.#abandonAll(code, signal);
        resolve();
      });
    });
    this.#helper.on('error', (error) => {
      this.#gone = error;
      this.#abandonAll(null, null, error);
    });
    // Writing to a helper that is gone fails here, and its 'close' fails what was under way.
    this.#requests.on('error', (error) => {
      this.#gone ??= error;
    });
  }

  launch(request: LaunchRequest, events: JobEvents): JobProcess {
    const piped = request.stdio === 'pipe' ? 1 : 0;
    return this.#request(`J ${request.seq} ${request.slot} ${piped}`, request, events, undefined);
  }

  enqueue(request: QueuedRequest, events: QueuedJobEvents): QueuedJobProcess {
    if (this.#slots === 0) throw new RangeError('this spawner helper was opened with no slots for queued jobs');
    const piped = request.stdio === 'pipe' ? 1 : 0;
    return this.#request(`Q ${request.seq} ${piped}`, request, events, events);
  }

  async close(): Promise<void> {
    this.#flush();
    this.#requests.end();
    await this.#exited;
  }

  #request(header: string, request: QueuedRequest, events: JobEvents, queued: QueuedJobEvents | undefined): HelperJob {
    if (this.#gone !== undefined) throw this.#gone;
    const command = Buffer.from(request.command, 'latin1');
    this.#send(Buffer.from(`${header} ${command.length}\n`, 'latin1'), command);
    const { seq } = request;
    // A take-back leaves at once, not with the turn's write; the kills that follow it (a stop
    // kills the running jobs) wait for its answer all the same, since the write may reach the
    // helper late (a runtime that writes from another thread, a helper busy or a full pipe).
    const sendTakeBack = () => {
      this.#unansweredTakeBacks.add(seq);
      this.#send(Buffer.from(`C ${seq}\n`, 'latin1'));
      this.#flush();
    };
    const job = new HelperJob(events, queued, sendTakeBack, (kill) => this.#afterTakeBacks(kill));
    this.#jobs.set(seq, job);
    return job;
  }

  #afterTakeBacks(kill: () => void): void {
    if (this.#unansweredTakeBacks.size === 0) {
      kill();
      return;
    }
    this.#heldKills.push(kill);
    // A helper that cannot answer (stopped from outside, say) must not keep the jobs alive.
    this.#heldKillsTimer ??= setTimeout(() => this.#releaseKills(), heldKillsLimitMs);
  }

  /** The helper answered the take-back of job `seq`, if one was sent; the held kills go once all are. */
  #takeBackAnswered(seq: number): void {
    if (!this.#unansweredTakeBacks.delete(seq) || this.#unansweredTakeBacks.size > 0) return;
    this.#releaseKills();
  }

  #releaseKills(): void {
    clearTimeout(this.#heldKillsTimer);
    this.#heldKillsTimer = undefined;
    const kills = this.#heldKills;
    this.#heldKills = [];
    for (const kill of kills) kill();
  }

  /** One write per turn of the event loop however many jobs it starts: one wake-up of the helper. */
  #send(...buffers: Buffer[]): void {
    if (this.#pending.length === 0) process.nextTick(() => this.#flush());
    this.#pending.push(...buffers);
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    const bytes = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    this.#pending = [];
    this.#requests.write(bytes);
  }

  /** Parses the frames; a frame cut between reads waits in #unread for the rest. */
  #read(chunk: Buffer): void {
    let bytes = this.#unread.length === 0 ? chunk : Buffer.concat([this.#unread, chunk]);
    for (;;) {
      const end = bytes.indexOf(newline);
      if (end === -1) break;
      const header = bytes.toString('latin1', 0, end).split(' ');
      const kind = header[0];
      const job = this.#jobs.get(Number(header[1]));
      if (kind === 'O' || kind === 'E') {
        const length = Number(kind === 'O' ? header[3] : header[2]);
        if (bytes.length < end + 1 + length) break;
        // Copied: a slice would keep the whole read alive for as long as the output is held.
        const payload = Buffer.from(bytes.subarray(end + 1, end + 1 + length));
        bytes = bytes.subarray(end + 1 + length);
        if (kind === 'O') job?.events.output(header[2] === '1' ? 'stdout' : 'stderr', payload);
        else this.#end(Number(header[1]))?.events.launchFailed(new Error(payload.toString('utf8')));
        continue;
      }
      bytes = bytes.subarray(end + 1);
      if (kind === 'P' || kind === 'N') this.#takeBackAnswered(Number(header[1]));
      if (kind === 'P') job?.started(Number(header[2]), Number(header[3]), header[4] === '-' ? undefined : Number(header[4]) / 1000);
      else if (kind === 'N') this.#end(Number(header[1]))?.queued?.withdrawn();
      else if (kind === 'X') {
        const code = header[2] === '-' ? null : Number(header[2]);
        const signal = header[3] === '-' ? null : signalNames.get(Number(header[3])) ?? 'SIGKILL';
        this.#end(Number(header[1]))?.events.closed(code, signal);
      }
    }
    this.#unread = bytes.length === 0 ? Buffer.alloc(0) : Buffer.from(bytes);
  }

  /** Forgets the job before its end is reported, since a retry reuses its number at once. */
  #end(seq: number): HelperJob | undefined {
    const job = this.#jobs.get(seq);
    this.#jobs.delete(seq);
    return job;
  }

  /**
   * The helper is gone (it cannot be, but for a kill from outside): its jobs fail, and the kills
   * held for its answers go now, since the jobs it started live on in sessions of their own.
   */
  #abandonAll(code: number | null, signal: NodeJS.Signals | null, error?: Error): void {
    this.#unansweredTakeBacks.clear();
    this.#releaseKills();
    const jobs = [...this.#jobs.values()];
    this.#jobs.clear();
    const reason = error ?? new Error(`the spawner helper ended (${signal ?? `status ${String(code)}`}) before the job did`);
    for (const job of jobs) job.events.launchFailed(reason);
  }
}
