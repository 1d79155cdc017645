/**
 * The command template: replacement strings found in the command words, and the rendering of
 * one job's command line with every substituted value shell-quoted as GNU parallel quotes it.
 *
 * Supported: `{}`, `{.}`, `{/}`, `{//}`, `{/.}`, `{#}`, `{%}`, positional `{N}` and `{-N}` with
 * the same transforms, `{name}` columns named by --header, `-I`-style renamed strings, and with
 * --plus `{..}`, `{...}`, `{/..}`, `{/...}`, `{+/}`, `{+.}`, `{+..}`, `{+...}`, `{##}`, `{0#}`,
 * `{0%}`, `{slot}`, `{seq}` and the bash-like `{:N}`, `{:N:M}`, `{:-default}`, `{#pat}`, `{##pat}`,
 * `{%pat}`, `{%%pat}`, `{/pat/repl}`, `{//pat/repl}`, `{/#pat/repl}`, `{/%pat/repl}`, `{^pat}`,
 * `{^^pat}`, `{,pat}`, `{,,pat}`. `{= perl =}` is refused by name (it needs perl).
 */
import { shellQuote } from '../quote.js';
import { Parser, type ReplacementNames, type Segment } from './parser.js';
import { identity } from './transforms.js';

export { defaultReplacementNames, type ReplacementNames } from './parser.js';

/** What a command line is made of for one job. */
export interface JobValues {
  /** The job's records (one, or several with -n/-N/-X/-m/-L), each a list of columns. */
  records: readonly (readonly string[])[];
  seq: number;
  slot: number;
  /** For {##}, {0#}: the number of jobs (known once the input is read), and -j for {0%}. */
  totalJobs?: number;
  jobSlots?: number;
}

export interface TemplateOptions {
  quoteWords: boolean;
  plus: boolean;
  /** -X: each word holding a replacement string is repeated for each record of the job. */
  contextReplace: boolean;
  names: ReplacementNames;
  header: boolean;
  /** For --tagstring: values are put in as they are, and nothing is appended. */
  verbatim?: boolean;
  /** Column names from --header, by position; read when the first job renders. */
  headerNames: () => readonly string[];
}

type Quote = (value: string) => string;
const verbatim: Quote = (value) => value;

function padded(value: number, width: number): string {
  return String(value).padStart(1 + Math.floor(Math.log10(Math.max(width, 1))), '0');
}

/** A parsed command, ready to render one command line per job. */
export class CommandTemplate {
  readonly #words: Segment[][];
  readonly #hasReplacements: boolean;
  /** GNU quotes nothing when the command itself begins with a replacement string. */
  readonly #quoteValues: boolean;
  #headerResolved = false;
  readonly #options: TemplateOptions;

  /** @param words the command words as given; empty when each job's arguments are its command. */
  constructor(words: readonly string[], options: TemplateOptions) {
    this.#options = options;
    const parser = new Parser(options);
    this.#words = words.map((word) => parser.parseWord(word));
    this.#hasReplacements = this.#words.some((segments) => segments.some((segment) => segment.kind !== 'text'));
    this.#quoteValues = options.verbatim !== true && !this.#startsWithReplacement();
  }

  /** Whether any replacement string needs the total number of jobs ({##}, {0#}). */
  get needsTotal(): boolean {
    return this.#words.some((segments) => segments.some((s) => s.kind === 'number' && (s.of === 'total' || (s.of === 'seq' && s.padded))));
  }

  /** Whether any replacement string is the job's slot ({%}, {0%}, {slot}). */
  get usesSlot(): boolean {
    return this.#words.some((segments) => segments.some((s) => s.kind === 'number' && s.of === 'slot'));
  }

  #startsWithReplacement(): boolean {
    for (const segments of this.#words) {
      for (const segment of segments) {
        if (segment.kind !== 'text') return true;
        if (/[ \t\n=]/.test(segment.text)) return false;
      }
      return false; // the first word ended: a space follows it
    }
    return false;
  }

  #resolveHeader(): void {
    if (this.#headerResolved) return;
    this.#headerResolved = true;
    const names = this.#options.headerNames();
    for (const segments of this.#words) {
      segments.forEach((segment, index) => {
        if (segment.kind !== 'position' || segment.name === undefined) return;
        const name = segment.name;
        const column = names.indexOf(name);
        segments[index] = column === -1 ? { kind: 'text', text: `{${name}}` } : { kind: 'position', position: column + 1, transform: identity };
      });
    }
  }

  #renderWord(segments: Segment[], job: JobValues, quote: Quote): string {
    let out = '';
    const columns = job.records.flat();
    for (const segment of segments) {
      switch (segment.kind) {
        case 'text':
          out += segment.text;
          break;
        case 'args':
          out += columns.map((arg) => quote(segment.transform(arg))).join(' ');
          break;
        case 'position': {
          const index = segment.position > 0 ? segment.position - 1 : columns.length + segment.position;
          const arg = columns[index];
          // A position past the last column is replaced by nothing at all, as in GNU parallel.
          if (arg !== undefined) out += quote(segment.transform(arg));
          break;
        }
        case 'number': {
          const value = segment.of === 'seq' ? job.seq : segment.of === 'slot' ? job.slot : (job.totalJobs ?? 0);
          const width = segment.of === 'slot' ? (job.jobSlots ?? 1) : (job.totalJobs ?? 1);
          out += segment.padded ? padded(value, width) : String(value);
          break;
        }
      }
    }
    return out;
  }

  #renderContext(segments: Segment[], job: JobValues, quote: Quote): string {
    const isContext = segments.some((segment) => segment.kind === 'args' || segment.kind === 'position');
    if (!isContext || !this.#options.contextReplace || job.records.length < 2) return this.#renderWord(segments, job, quote);
    return job.records.map((record) => this.#renderWord(segments, { ...job, records: [record] }, quote)).join(' ');
  }

  /** The job's command line, a byte string (one character per byte). */
  render(job: JobValues): string {
    this.#resolveHeader();
    const columns = job.records.flat();
    // Without a command, the arguments themselves are the command line, taken as shell code.
    if (this.#words.length === 0) return columns.join(' ');
    const quote = this.#quoteValues ? shellQuote : verbatim;
    const line = this.#options.quoteWords
      ? this.#words.map((segments) => shellQuote(this.#renderContext(segments, job, verbatim))).join(' ')
      : this.#words.map((segments) => this.#renderContext(segments, job, quote)).join(' ');
    if (this.#hasReplacements || this.#options.verbatim === true) return line;
    return columns.length === 0 ? line : `${line} ${columns.map(shellQuote).join(' ')}`;
  }
}
