/**
 * `--timeout`: a duration with optional s/m/h/d units (`90`, `1m30s`, `0.5`), or a percentage
 * of the median runtime of the jobs that succeeded so far (`200%`); 0 and 0% mean none, as in
 * GNU parallel. `--termseq`: the signals (and waits in milliseconds) that stop a job.
 */
import os from 'node:os';
import { RunUsageError } from './errors.js';

export type TimeoutSpec = { kind: 'seconds'; seconds: number } | { kind: 'percent'; fraction: number };

/** Signal, then milliseconds to wait for the job to go before the next step. */
export type Termseq = { signal: NodeJS.Signals; waitMs: number }[];

const unitSeconds: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

export function parseTimeout(value: string): TimeoutSpec | undefined {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (percent !== null) {
    const fraction = Number(percent[1]) / 100;
    return fraction === 0 ? undefined : { kind: 'percent', fraction };
  }
  const seconds = parseDuration(value);
  if (seconds === undefined || !Number.isFinite(seconds)) {
    throw new RunUsageError(`option --timeout expects seconds (units s, m, h, d allowed, e.g. 1m30s) or a percentage like 200%; got '${value}'`);
  }
  return seconds === 0 ? undefined : { kind: 'seconds', seconds };
}

function parseDuration(value: string): number | undefined {
  if (!/^(\d+(\.\d+)?[smhd]?)+$/i.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)([smhd]?)/gi)) {
    total += Number(amount) * unitSeconds[unit!.toLowerCase()]!;
  }
  return total;
}

/** Reads `--termseq TERM,200,TERM,100,KILL,25`: signal names or numbers, each with a wait. */
export function parseTermseq(value: string): Termseq {
  const parts = value.split(',');
  const steps: Termseq = [];
  for (let i = 0; i < parts.length; i += 2) {
    const name = parts[i]!.toUpperCase().replace(/^SIG/, '');
    const byNumber = Object.entries(os.constants.signals).find(([, number]) => String(number) === name)?.[0];
    const signal = (byNumber ?? `SIG${name}`) as NodeJS.Signals;
    const wait = parts[i + 1] ?? '0';
    if (!(signal in os.constants.signals) || !/^\d+$/.test(wait)) {
      throw new RunUsageError(`option --termseq expects signal,milliseconds,... such as TERM,200,TERM,100,KILL,25; got '${value}'`);
    }
    steps.push({ signal, waitMs: Number(wait) });
  }
  return steps;
}

/**
 * The timeout in milliseconds for the next job, or undefined for none. With a percentage there
 * is no limit until a job has succeeded, as in GNU parallel.
 */
export function timeoutMs(spec: TimeoutSpec | undefined, successfulRuntimesMs: readonly number[]): number | undefined {
  if (spec === undefined) return undefined;
  if (spec.kind === 'seconds') return spec.seconds * 1000;
  if (successfulRuntimesMs.length === 0) return undefined;
  const sorted = [...successfulRuntimesMs].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]! * spec.fraction;
}

/** The longest delay setTimeout takes; longer ones fire at once, so they are waited in steps. */
const maxTimerMs = 2 ** 31 - 1;

/** setTimeout for any delay, however long (`--timeout 25d` is more than 2^31 ms). */
export function longTimeout(callback: () => void, ms: number): { clear(): void } {
  let timer: NodeJS.Timeout;
  const deadline = performance.now() + ms;
  const arm = (): void => {
    const left = deadline - performance.now();
    timer = left > maxTimerMs ? setTimeout(arm, maxTimerMs) : setTimeout(callback, Math.max(0, left));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
