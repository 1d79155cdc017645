/**
 * The command template: replacement strings (`{}`, `{.}`, `{/}`, `{//}`, `{/.}`, `{#}`, `{%}`,
 * and the positional `{1}`, `{1.}`, ...) found in the command words, and the rendering of one
 * job's command line with every substituted value shell-quoted as GNU parallel quotes it.
 */
import { shellQuote } from './quote.js';

type Transform = '' | '.' | '/' | '//' | '/.';

type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'args'; transform: Transform }
  | { kind: 'position'; position: number; transform: Transform }
  | { kind: 'seq' }
  | { kind: 'slot' };

/** What a command line is made of for one job. */
export interface JobValues {
  args: readonly string[];
  seq: number;
  slot: number;
}

const replacementPattern = /\{(\d*)(\/\/|\/\.|\.|\/)?\}|\{#\}|\{%\}/g;

function parseWord(word: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of word.matchAll(replacementPattern)) {
    const [whole, digits, transform = ''] = match as unknown as [string, string | undefined, Transform | undefined];
    // GNU parallel reads `{0}` as `{}`; any other number is a position (`{00}` one that never exists).
    const position = digits === undefined || digits === '' || digits === '0' ? undefined : Number(digits);
    if (match.index > last) segments.push({ kind: 'text', text: word.slice(last, match.index) });
    if (whole === '{#}') segments.push({ kind: 'seq' });
    else if (whole === '{%}') segments.push({ kind: 'slot' });
    else if (position === undefined) segments.push({ kind: 'args', transform: transform as Transform });
    else segments.push({ kind: 'position', position, transform: transform as Transform });
    last = match.index + whole.length;
  }
  if (last < word.length) segments.push({ kind: 'text', text: word.slice(last) });
  return segments;
}

/** Removes the last extension of the last path component: `a/b.c.d` → `a/b.c`. */
function withoutExtension(path: string): string {
  return path.replace(/\.[^/.]*$/, '');
}

function basename(path: string): string {
  return path.replace(/^.*\//, '');
}

/** POSIX dirname: `a/b` → `a`, `a` → `.`, `/a/` → `/`, `` → `.`. */
function dirname(path: string): string {
  if (path === '') return '.';
  const trimmed = path.replace(/(.)\/+$/, '$1');
  const slash = trimmed.lastIndexOf('/');
  if (slash === -1) return '.';
  const parent = trimmed.slice(0, slash).replace(/\/+$/, '');
  return parent === '' ? '/' : parent;
}

function transformValue(value: string, transform: Transform): string {
  switch (transform) {
    case '':
      return value;
    case '.':
      return withoutExtension(value);
    case '/':
      return basename(value);
    case '//':
      return dirname(value);
    case '/.':
      return withoutExtension(basename(value));
  }
}

type Quote = (value: string) => string;
const verbatim: Quote = (value) => value;

function renderWord(segments: Segment[], job: JobValues, quote: Quote): string {
  let out = '';
  for (const segment of segments) {
    switch (segment.kind) {
      case 'text':
        out += segment.text;
        break;
      case 'args':
        out += job.args.map((arg) => quote(transformValue(arg, segment.transform))).join(' ');
        break;
      case 'position': {
        const arg = job.args[segment.position - 1];
        // A position past the last column is replaced by nothing at all, as in GNU parallel.
        if (arg !== undefined) out += quote(transformValue(arg, segment.transform));
        break;
      }
      case 'seq':
        out += String(job.seq);
        break;
      case 'slot':
        out += String(job.slot);
        break;
    }
  }
  return out;
}

/** A parsed command, ready to render one command line per job. */
export class CommandTemplate {
  private readonly words: Segment[][];
  private readonly hasReplacements: boolean;

  /**
   * @param words the command words as given; empty when each job's arguments are its command.
   * @param quoteWords `-q`: quote every word so the shell sees it literally.
   */
  constructor(words: readonly string[], private readonly quoteWords: boolean) {
    this.words = words.map(parseWord);
    this.hasReplacements = this.words.some((segments) => segments.some((segment) => segment.kind !== 'text'));
  }

  render(job: JobValues): string {
    // Without a command, the arguments themselves are the command line, taken as shell code.
    if (this.words.length === 0) return job.args.join(' ');
    const line = this.quoteWords
      ? this.words.map((segments) => shellQuote(renderWord(segments, job, verbatim))).join(' ')
      : this.words.map((segments) => renderWord(segments, job, shellQuote)).join(' ');
    if (this.hasReplacements) return line;
    return job.args.length === 0 ? line : `${line} ${job.args.map(shellQuote).join(' ')}`;
  }
}
