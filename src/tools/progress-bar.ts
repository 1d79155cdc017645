/**
 * A one-line progress bar for a terminal: redrawn in place with a carriage return, erased when
 * done, and silent when the stream is not a TTY (a pipe or a log file gets no control codes).
 */

/** The part of a stream the bar needs; process.stderr fits. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** A bar that counts steps towards a total. */
export interface ProgressBar {
  /** Redraws the bar at `done` of the total steps, with a short note such as "4 workers". */
  update(done: number, note?: string): void;
  /** Erases the bar. */
  finish(): void;
}

/**
 * Creates a progress bar on `stream`, or one that draws nothing if the stream is not a TTY.
 *
 * @example
 * ```ts
 * const bar = createProgressBar(process.stderr, 8);
 * bar.update(3, '3 workers'); // [███████████░░░░░░░░░░░░░░░░░░░]  3/8  3 workers
 * bar.finish();
 * ```
 */
export function createProgressBar(stream: ProgressStream, total: number): ProgressBar {
  if (stream.isTTY !== true) return { update() {}, finish() {} };
  let drawn = false;
  return {
    update(done, note = '') {
      const slots = 30;
      const filled = total === 0 ? slots : Math.round((Math.min(done, total) / total) * slots);
      const count = `${String(done).padStart(String(total).length)}/${total}`;
      const line = `[${'█'.repeat(filled)}${'░'.repeat(slots - filled)}] ${count}  ${note}`;
      // A terminal of unknown size (columns 0, as under `script`) gets the usual 80.
      const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
      stream.write(`\r\x1b[2K${line.slice(0, Math.max(10, columns - 1))}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
