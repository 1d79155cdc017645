/**
 * `--progress`, `--bar`, `--eta`: one status line on stderr, redrawn in place (with `\r`) at
 * most ten times a second and once more at the end. The formats are our own, not GNU's.
 */

export interface ProgressState {
  running: number;
  done: number;
  /** All jobs, when the input was read in full beforehand; undefined while it streams. */
  total: number | undefined;
  /** Time spent so far, in milliseconds. */
  elapsedMs: number;
}

type Style = 'progress' | 'bar' | 'eta';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
}

function remainingMs(state: ProgressState): number | undefined {
  if (state.total === undefined || state.done === 0) return undefined;
  return (state.elapsedMs / state.done) * (state.total - state.done);
}

/** Renders one status line for the given style. */
export function renderProgress(style: Style, state: ProgressState): string {
  const total = state.total === undefined ? '?' : String(state.total);
  const left = remainingMs(state);
  const eta = left === undefined ? '?' : `${seconds(left)}s`;
  switch (style) {
    case 'progress':
      return `running: ${state.running}  done: ${state.done}/${total}  elapsed: ${seconds(state.elapsedMs)}s`;
    case 'eta': {
      const average = state.done === 0 ? '?' : `${seconds(state.elapsedMs / state.done)}s`;
      return `ETA: ${eta}  left: ${state.total === undefined ? '?' : state.total - state.done}  avg: ${average}  running: ${state.running}  done: ${state.done}`;
    }
    case 'bar': {
      const fraction = state.total === undefined || state.total === 0 ? 0 : state.done / state.total;
      const width = 30;
      const filled = Math.round(fraction * width);
      return `${String(Math.floor(fraction * 100)).padStart(3)}% [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${state.done}/${total} ETA ${eta}`;
    }
  }
}

/** Draws the status line on stderr, throttled. */
export class ProgressLine {
  #lastDraw = 0;
  #width = 0;

  readonly #style: Style;

  constructor(style: Style) {
    this.#style = style;
  }

  update(state: ProgressState, final = false): void {
    const now = performance.now();
    if (!final && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const line = renderProgress(this.#style, state);
    // Pad over the previous, possibly longer, line.
    process.stderr.write(`\r${line.padEnd(this.#width)}${final ? '\n' : ''}`);
    this.#width = line.length;
  }
}
