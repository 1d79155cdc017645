/**
 * `--timeout`: a duration with optional s/m/h/d units (`90`, `1m30s`, `0.5`), or a percentage
 * of the median runtime of the jobs that succeeded so far (`200%`).
 */
import { RunUsageError } from './errors.js';

export type TimeoutSpec = { kind: 'seconds'; seconds: number } | { kind: 'percent'; fraction: number };

const unitSeconds: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

export function parseTimeout(value: string): TimeoutSpec {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (percent !== null) return { kind: 'percent', fraction: Number(percent[1]) / 100 };
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds <= 0) {
    throw new RunUsageError(`option --timeout expects seconds (units s, m, h, d allowed, e.g. 1m30s) or a percentage like 200%; got '${value}'`);
  }
  return { kind: 'seconds', seconds };
}

function parseDuration(value: string): number | undefined {
  if (!/^(\d+(\.\d+)?[smhd]?)+$/i.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)([smhd]?)/gi)) {
    total += Number(amount) * unitSeconds[unit!.toLowerCase()]!;
  }
  return total;
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
