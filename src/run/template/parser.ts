/**
 * Reading the command words into segments: literal text, and the replacement strings found in
 * it (`{}`, `{2/.}`, `{#}`, a renamed `-I` string, a --header column name, --plus's forms).
 */
import { RunUsageError } from '../errors.js';
import { basename, bashOperation, dirname, identity, pathTransforms, withoutExtensions, type Transform } from './transforms.js';

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'args'; transform: Transform }
  | { kind: 'position'; position: number; transform: Transform; name?: string }
  | { kind: 'number'; of: 'seq' | 'slot' | 'total'; padded: boolean };

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

/** What the parser needs of the template's options. */
export interface ParserOptions {
  plus: boolean;
  names: ReplacementNames;
  header: boolean;
}

/** Parses the command words into segments; one instance per command. */
export class Parser {
  readonly #transforms: Map<string, Transform>;
  readonly #renamed: Map<string, Segment>;
  readonly #options: ParserOptions;

  constructor(options: ParserOptions) {
    this.#options = options;
    this.#transforms = pathTransforms(options.plus);
    const { names } = options;
    this.#renamed = new Map<string, Segment>([
      [names.args, { kind: 'args', transform: identity }],
      [names.extension, { kind: 'args', transform: withoutExtensions(1) }],
      [names.basename, { kind: 'args', transform: basename }],
      [names.dirname, { kind: 'args', transform: dirname }],
      [names.basenameExtension, { kind: 'args', transform: this.#transforms.get('/.')! }],
      [names.seq, { kind: 'number', of: 'seq', padded: false }],
      [names.slot, { kind: 'number', of: 'slot', padded: false }],
    ]);
  }

  parseWord(word: string): Segment[] {
    const segments: Segment[] = [];
    let text = '';
    let index = 0;
    const renamedKeys = [...this.#renamed.keys()].filter((key) => key !== '').sort((a, b) => b.length - a.length);
    outer: while (index < word.length) {
      for (const key of renamedKeys) {
        if (word.startsWith(key, index)) {
          if (text !== '') segments.push({ kind: 'text', text });
          text = '';
          segments.push(this.#renamed.get(key)!);
          index += key.length;
          continue outer;
        }
      }
      if (word[index] === '{') {
        const close = this.#closingBrace(word, index);
        if (close !== -1) {
          const segment = this.#parseBraces(word.slice(index + 1, close));
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

  #closingBrace(word: string, open: number): number {
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
  #parseBraces(inner: string): Segment | undefined {
    const { plus } = this.#options;
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
      const transform = this.#transforms.get(rest) ?? (plus ? bashOperation(rest) : undefined);
      if (transform === undefined) return undefined;
      // GNU parallel reads `{0}` as `{}`; `{00}` is a position that never exists.
      if (minus === '' && digits === '0') return { kind: 'args', transform };
      return { kind: 'position', position: minus === '' ? Number(digits) : -Number(digits), transform };
    }
    const transform = this.#transforms.get(inner);
    // `{` `}` around a path transform: only the default names; -I renames {} alone.
    if (transform !== undefined && inner !== '' && this.#options.names === defaultReplacementNames) return { kind: 'args', transform };
    if (plus) {
      const operation = bashOperation(inner);
      if (operation !== undefined) return { kind: 'args', transform: operation };
    }
    // A column named by --header: resolved when the first job renders.
    if (this.#options.header && /^[^{}]+$/.test(inner)) {
      return { kind: 'position', position: Number.NaN, transform: identity, name: inner };
    }
    return undefined;
  }
}
