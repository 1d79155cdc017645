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
import { RunUsageError } from './errors.js';
import { shellQuote } from './quote.js';

/** A transformation of one value. */
type Transform = (value: string) => string;

type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'args'; transform: Transform }
  | { kind: 'position'; position: number; transform: Transform; name?: string }
  | { kind: 'number'; of: 'seq' | 'slot' | 'total'; padded: boolean };

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

/** Names that replace the default strings (-I, --extensionreplace, ...). */
export interface ReplacementNames {
  args: string;
  extension: string;
  basename: string;
  dirname: string;
  basenameExtension: string;
  seq: string;
  slot: string;
}

export const defaultReplacementNames: ReplacementNames = {
  args: '{}', extension: '{.}', basename: '{/}', dirname: '{//}', basenameExtension: '{/.}', seq: '{#}', slot: '{%}',
};

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

const withoutExtensions = (count: number): Transform => {
  const pattern = new RegExp(`${'\\.[^/.]*'.repeat(count)}$`);
  return (value) => value.replace(pattern, '');
};
const onlyExtensions = (count: number): Transform => {
  const pattern = new RegExp(`^.*\\.(${Array(count).fill('[^/.]*').join('\\.')})$`, 's');
  return (value) => pattern.exec(value)?.[1] ?? '';
};
const basename: Transform = (value) => value.replace(/^.*\//s, '');
/** Perl's File::Basename dirname, as GNU's {//}: `a/b` → `a`, `a` → `.`, `/a/` → `/`. */
const dirname: Transform = (path) => {
  if (path === '') return '.';
  const trimmed = path.replace(/(.)\/+$/, '$1');
  const slash = trimmed.lastIndexOf('/');
  if (slash === -1) return '.';
  const parent = trimmed.slice(0, slash).replace(/\/+$/, '');
  return parent === '' ? '/' : parent;
};
const identity: Transform = (value) => value;

/** The path transforms after a position or in place of `{}`: `.`, `/`, `//`, `/.` and --plus's. */
function pathTransforms(plus: boolean): Map<string, Transform> {
  const table = new Map<string, Transform>([
    ['', identity], ['.', withoutExtensions(1)], ['/', basename], ['//', dirname],
    ['/.', (value) => withoutExtensions(1)(basename(value))],
  ]);
  if (plus) {
    table.set('..', withoutExtensions(2)).set('...', withoutExtensions(3));
    table.set('/..', (value) => withoutExtensions(2)(basename(value)));
    table.set('/...', (value) => withoutExtensions(3)(basename(value)));
    table.set('+/', (value) => (value.includes('/') ? value.replace(/\/[^/]*$/, '') : ''));
    table.set('+.', onlyExtensions(1)).set('+..', onlyExtensions(2)).set('+...', onlyExtensions(3));
  }
  return table;
}

/** Perl's regexes are close enough to JavaScript's for the patterns people write here. */
function regex(source: string, flags = ''): RegExp {
  try {
    return new RegExp(source, `s${flags}`);
  } catch (error) {
    throw new RunUsageError(`replacement string pattern '${source}' is not a regular expression: ${(error as Error).message}`);
  }
}

/** --plus's bash-like value operations, or undefined when `inner` is none of them. */
function bashOperation(inner: string): Transform | undefined {
  let match: RegExpExecArray | null;
  if ((match = /^:(\d+):(\d+)$/.exec(inner)) !== null) {
    const [start, length] = [Number(match[1]), Number(match[2])];
    return (value) => value.substr(start, length);
  }
  if ((match = /^:(\d+)$/.exec(inner)) !== null) {
    const start = Number(match[1]);
    return (value) => value.slice(start);
  }
  if ((match = /^:-(.+)$/s.exec(inner)) !== null) {
    const fallback = match[1]!;
    return (value) => (value === '' || value === '0' ? fallback : value);
  }
  if ((match = /^##([^#].*)$/s.exec(inner)) !== null) {
    const pattern = regex(`^(?:${match[1]!})`);
    return (value) => value.replace(pattern, '');
  }
  if ((match = /^#([^#].*)$/s.exec(inner)) !== null) {
    const pattern = regex(`^(?:${ungreedy(match[1]!)})`);
    return (value) => value.replace(pattern, '');
  }
  if ((match = /^%%(.+)$/s.exec(inner)) !== null) {
    const pattern = regex(`(?:${match[1]!})$`);
    return (value) => value.replace(pattern, '');
  }
  if ((match = /^%(.+)$/s.exec(inner)) !== null) {
    const pattern = regex(`^(.*)(?:${ungreedy(match[1]!)})$`);
    return (value) => value.replace(pattern, '$1');
  }
  if ((match = /^\/\/([^}]+?)\/(.*)$/s.exec(inner)) !== null) {
    const [pattern, replacement] = [regex(match[1]!, 'g'), match[2]!];
    return (value) => value.replace(pattern, replacement);
  }
  if ((match = /^\/#([^}]+?)\/(.*)$/s.exec(inner)) !== null) {
    const [pattern, replacement] = [regex(`^(?:${match[1]!})`), match[2]!];
    return (value) => value.replace(pattern, replacement);
  }
  if ((match = /^\/%([^}]+?)\/(.*)$/s.exec(inner)) !== null) {
    const [pattern, replacement] = [regex(`(?:${match[1]!})$`), match[2]!];
    return (value) => value.replace(pattern, replacement);
  }
  if ((match = /^\/([^#%}/][^}/]*?)\/(.*)$/s.exec(inner)) !== null) {
    const [pattern, replacement] = [regex(match[1]!), match[2]!];
    return (value) => value.replace(pattern, replacement);
  }
  for (const [prefix, global, upper] of [['^^', true, true], ['^', false, true], [',,', true, false], [',', false, false]] as const) {
    if (inner.startsWith(prefix) && inner.length > prefix.length) {
      const pattern = regex(`${global ? '' : '^'}(?:${inner.slice(prefix.length)})`, global ? 'g' : '');
      return (value) => value.replace(pattern, (found) => (upper ? found.toUpperCase() : found.toLowerCase()));
    }
  }
  return undefined;
}

/** GNU makes `*` and `+` in the short (#, %) forms match as little as possible. */
function ungreedy(pattern: string): string {
  return pattern.replace(/([*+])(?!\?)/g, '$1?');
}

/** Parses the command words into segments; one instance per command. */
class Parser {
  private readonly transforms: Map<string, Transform>;
  private readonly renamed: Map<string, Segment>;

  constructor(private readonly options: TemplateOptions) {
    this.transforms = pathTransforms(options.plus);
    const { names } = options;
    this.renamed = new Map<string, Segment>([
      [names.args, { kind: 'args', transform: identity }],
      [names.extension, { kind: 'args', transform: withoutExtensions(1) }],
      [names.basename, { kind: 'args', transform: basename }],
      [names.dirname, { kind: 'args', transform: dirname }],
      [names.basenameExtension, { kind: 'args', transform: this.transforms.get('/.')! }],
      [names.seq, { kind: 'number', of: 'seq', padded: false }],
      [names.slot, { kind: 'number', of: 'slot', padded: false }],
    ]);
  }

  parseWord(word: string): Segment[] {
    const segments: Segment[] = [];
    let text = '';
    let index = 0;
    const renamedKeys = [...this.renamed.keys()].filter((key) => key !== '').sort((a, b) => b.length - a.length);
    outer: while (index < word.length) {
      for (const key of renamedKeys) {
        if (word.startsWith(key, index)) {
          if (text !== '') segments.push({ kind: 'text', text });
          text = '';
          segments.push(this.renamed.get(key)!);
          index += key.length;
          continue outer;
        }
      }
      if (word[index] === '{') {
        const close = this.closingBrace(word, index);
        if (close !== -1) {
          const segment = this.parseBraces(word.slice(index + 1, close));
          if (segment !== undefined) {
            if (text !== '') segments.push({ kind: 'text', text });
            text = '';
            segments.push(segment);
            index = close + 1;
            continue;
          }
        }
      }
      text += word[index]!;
      index++;
    }
    if (text !== '') segments.push({ kind: 'text', text });
    return segments;
  }

  private closingBrace(word: string, open: number): number {
    if (word.startsWith('{=', open)) {
      const end = word.indexOf('=}', open + 2);
      const expression = end === -1 ? word.slice(open) : word.slice(open, end + 2);
      throw new RunUsageError(
        `the perl expression replacement string ${expression} of GNU parallel is not supported by multicore run (it needs perl); use a shell expression in the command instead`,
      );
    }
    return word.indexOf('}', open + 1);
  }

  /** The segment for `{inner}`, or undefined when it is no replacement string (kept as text). */
  private parseBraces(inner: string): Segment | undefined {
    const { plus } = this.options;
    if (plus) {
      if (inner === '##') return { kind: 'number', of: 'total', padded: false };
      if (inner === '0#') return { kind: 'number', of: 'seq', padded: true };
      if (inner === '0%') return { kind: 'number', of: 'slot', padded: true };
      if (inner === 'slot') return { kind: 'number', of: 'slot', padded: false };
      if (inner === 'seq') return { kind: 'number', of: 'seq', padded: false };
    }
    const positional = /^(-?)(\d+)(.*)$/s.exec(inner);
    if (positional !== null) {
      const [, minus, digits, rest] = positional as unknown as [string, string, string, string];
      const transform = this.transforms.get(rest) ?? (plus ? bashOperation(rest) : undefined);
      if (transform === undefined) return undefined;
      // GNU parallel reads `{0}` as `{}`; `{00}` is a position that never exists.
      if (minus === '' && digits === '0') return { kind: 'args', transform };
      return { kind: 'position', position: minus === '' ? Number(digits) : -Number(digits), transform };
    }
    const transform = this.transforms.get(inner);
    // `{` `}` around a path transform: only the default names; -I renames {} alone.
    if (transform !== undefined && inner !== '' && this.options.names === defaultReplacementNames) return { kind: 'args', transform };
    if (plus) {
      const operation = bashOperation(inner);
      if (operation !== undefined) return { kind: 'args', transform: operation };
    }
    // A column named by --header: resolved when the first job renders.
    if (this.options.header && /^[^{}]+$/.test(inner)) {
      return { kind: 'position', position: Number.NaN, transform: identity, name: inner };
    }
    return undefined;
  }
}

type Quote = (value: string) => string;
const verbatim: Quote = (value) => value;

function padded(value: number, width: number): string {
  return String(value).padStart(1 + Math.floor(Math.log10(Math.max(width, 1))), '0');
}

/** A parsed command, ready to render one command line per job. */
export class CommandTemplate {
  private readonly words: Segment[][];
  private readonly hasReplacements: boolean;
  /** GNU quotes nothing when the command itself begins with a replacement string. */
  private readonly quoteValues: boolean;
  private headerResolved = false;

  /** @param words the command words as given; empty when each job's arguments are its command. */
  constructor(words: readonly string[], private readonly options: TemplateOptions) {
    const parser = new Parser(options);
    this.words = words.map((word) => parser.parseWord(word));
    this.hasReplacements = this.words.some((segments) => segments.some((segment) => segment.kind !== 'text'));
    this.quoteValues = options.verbatim !== true && !this.startsWithReplacement();
  }

  /** Whether any replacement string needs the total number of jobs ({##}, {0#}). */
  get needsTotal(): boolean {
    return this.words.some((segments) => segments.some((s) => s.kind === 'number' && (s.of === 'total' || (s.of === 'seq' && s.padded))));
  }

  private startsWithReplacement(): boolean {
    for (const segments of this.words) {
      for (const segment of segments) {
        if (segment.kind !== 'text') return true;
        if (/[ \t\n=]/.test(segment.text)) return false;
      }
      return false; // the first word ended: a space follows it
    }
    return false;
  }

  private resolveHeader(): void {
    if (this.headerResolved) return;
    this.headerResolved = true;
    const names = this.options.headerNames();
    for (const segments of this.words) {
      segments.forEach((segment, index) => {
        if (segment.kind !== 'position' || segment.name === undefined) return;
        const name = segment.name;
        const column = names.indexOf(name);
        segments[index] = column === -1 ? { kind: 'text', text: `{${name}}` } : { kind: 'position', position: column + 1, transform: identity };
      });
    }
  }

  private renderWord(segments: Segment[], job: JobValues, quote: Quote): string {
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

  private renderContext(segments: Segment[], job: JobValues, quote: Quote): string {
    const isContext = segments.some((segment) => segment.kind === 'args' || segment.kind === 'position');
    if (!isContext || !this.options.contextReplace || job.records.length < 2) return this.renderWord(segments, job, quote);
    return job.records.map((record) => this.renderWord(segments, { ...job, records: [record] }, quote)).join(' ');
  }

  /** The job's command line, a byte string (one character per byte). */
  render(job: JobValues): string {
    this.resolveHeader();
    const columns = job.records.flat();
    // Without a command, the arguments themselves are the command line, taken as shell code.
    if (this.words.length === 0) return columns.join(' ');
    const quote = this.quoteValues ? shellQuote : verbatim;
    const line = this.options.quoteWords
      ? this.words.map((segments) => shellQuote(this.renderContext(segments, job, verbatim))).join(' ')
      : this.words.map((segments) => this.renderContext(segments, job, quote)).join(' ');
    if (this.hasReplacements || this.options.verbatim === true) return line;
    return columns.length === 0 ? line : `${line} ${columns.map(shellQuote).join(' ')}`;
  }
}
