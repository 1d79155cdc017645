/**
 * The transforms a replacement string applies to a value: the path ones (`{.}`, `{/}`, `{//}`,
 * `{/.}` and --plus's `{..}`, `{+.}`, ...) and --plus's bash-like operations (`{:1:2}`,
 * `{%.gz}`, `{/a/b}`, `{^x}`, ...), with GNU parallel's Perl regexes read as JavaScript ones.
 */
import { RunUsageError } from '../errors.js';

/** A transformation of one value. */
export type Transform = (value: string) => string;

export const withoutExtensions = (count: number): Transform => {
  const pattern = new RegExp(`${'\\.[^/.]*'.repeat(count)}$`);
  return (value) => value.replace(pattern, '');
};
const onlyExtensions = (count: number): Transform => {
  const pattern = new RegExp(`^.*\\.(${Array(count).fill('[^/.]*').join('\\.')})$`, 's');
  return (value) => pattern.exec(value)?.[1] ?? '';
};
export const basename: Transform = (value) => value.replace(/^.*\//s, '');
/** Perl's File::Basename dirname, as GNU's {//}: `a/b` → `a`, `a` → `.`, `/a/` → `/`. */
export const dirname: Transform = (path) => {
  if (path === '') return '.';
  const trimmed = path.replace(/(.)\/+$/, '$1');
  const slash = trimmed.lastIndexOf('/');
  if (slash === -1) return '.';
  const parent = trimmed.slice(0, slash).replace(/\/+$/, '');
  return parent === '' ? '/' : parent;
};
export const identity: Transform = (value) => value;

/** The path transforms after a position or in place of `{}`: `.`, `/`, `//`, `/.` and --plus's. */
export function pathTransforms(plus: boolean): Map<string, Transform> {
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
export function bashOperation(inner: string): Transform | undefined {
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
