/**
 * Each job's command line (and --tag/--tagstring label) from the command template and the job's
 * records, refused when it is longer than the system takes.
 */
import { maxCommandBytes } from './batching.js';
import { RunUsageError } from './errors.js';
import type { JobInput } from './job-source.js';
import type { RunOptions } from './options.js';
import { CommandTemplate } from './template/template.js';

export interface CommandLine {
  /** The command line as a byte string. */
  command: string;
  /** The --tag/--tagstring label; empty when output is not tagged. */
  tag: string;
  /** The job's columns, for --results directory names. */
  columns: string[];
}

export class CommandLines {
  readonly #template: CommandTemplate;
  readonly #tagTemplate: CommandTemplate | undefined;
  readonly tagged: boolean;
  readonly #jobSlots: number;
  /** The number of jobs, for {##} and {0#}, once the input has been read in full. */
  total: number | undefined;

  constructor(options: RunOptions, headerNames: () => readonly string[]) {
    const templateOptions = {
      quoteWords: options.quoteCommand, plus: options.plus, contextReplace: options.contextReplace,
      names: options.names, header: options.header !== undefined, headerNames,
    };
    this.#template = new CommandTemplate(options.command, templateOptions);
    // GNU parallel substitutes --tagstring's replacement strings without quoting them.
    this.#tagTemplate = options.tagstring === undefined ? undefined : new CommandTemplate([options.tagstring], { ...templateOptions, quoteWords: false, verbatim: true });
    this.tagged = options.tag || options.tagstring !== undefined;
    this.#jobSlots = options.jobs;
  }

  /** Whether a replacement string needs the number of jobs before the first one runs. */
  get needsTotal(): boolean {
    return this.#template.needsTotal;
  }

  /** Whether a job's command line or label holds its slot, known only once it starts. */
  get usesSlot(): boolean {
    return this.#template.usesSlot || this.#tagTemplate?.usesSlot === true;
  }

  render(input: JobInput, slot: number): CommandLine {
    const { seq, records } = input;
    const values = { records, seq, slot, totalJobs: this.total, jobSlots: this.#jobSlots };
    const command = input.command ?? this.#template.render(values);
    if (command.length >= maxCommandBytes) {
      // As GNU parallel: a line the system cannot take stops the run (exit 255) before it starts.
      throw new RunUsageError(`command line too long (${command.length} >= ${maxCommandBytes} bytes) for job ${seq}: ${command.slice(0, 50)}...`);
    }
    const tag = !this.tagged ? '' : this.#tagTemplate?.render(values) ?? records.flat().join(' ');
    return { command, tag, columns: records.flat() };
  }
}
