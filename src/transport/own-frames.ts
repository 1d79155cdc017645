/**
 * Which stack frames are multicore's own, so that a task error's stack shows the user's code
 * only. Apart from transport/call-site.ts because workers need it (every error they send back is
 * cleaned with it) and call-site.ts is the caller's side.
 */

/** node:url, on first use: a thread worker whose tasks succeed never needs it, and it is a module Node would otherwise load at every worker's start. */
const nodeUrl = () => process.getBuiltinModule('node:url');

let ownPrefixes: string[] | undefined;

/**
 * Our frames are those of dist/, and of src/ where a source map (tsx, --enable-source-maps, a
 * bundler's runtime) turns dist/x.js back into the src/x.ts it was built from. Found on first use:
 * the first read of `import.meta` in a thread loads a module of Node's, which a worker that runs
 * only successful tasks never needs.
 */
function ownFramePrefixes(): string[] {
  if (ownPrefixes !== undefined) return ownPrefixes;
  const packageRootUrl = new URL('../../', import.meta.url).href;
  return (ownPrefixes = ['dist/', 'src/'].flatMap((folder) => [`${packageRootUrl}${folder}`, nodeUrl().fileURLToPath(`${packageRootUrl}${folder}`)]));
}

export function isOwnFrame(line: string): boolean {
  return line.startsWith('    at ') && ownFramePrefixes().some((prefix) => line.includes(prefix));
}

/** Removes multicore's own frames from a stack: they say nothing about the user's code. */
export function withoutOwnFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => !isOwnFrame(line))
    .join('\n');
}
