/**
 * The Node options a worker takes from this process. Workers inherit process.execArgv, which
 * also holds the program's own source when it came from the command line: `node -e '...'` or
 * `node --input-type=module -e '...'`. A child process given `-e` runs that source instead of
 * its entry file, and a thread given `--input-type` fails to start (ERR_INPUT_TYPE_NOT_ALLOWED),
 * so those are left out; everything else (loaders, heap and V8 flags) is kept.
 */

/** Options followed by the program's source, as a separate argument unless written `--eval=...`. */
const sourceOptions = new Set(['-e', '--eval', '-p', '--print', '-pe']);
const inputType = '--input-type';

export function inheritedExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (sourceOptions.has(arg) || arg === inputType) {
      i++; // its value
      continue;
    }
    if (arg.startsWith(`${inputType}=`) || arg.startsWith('--eval=') || arg.startsWith('--print=')) continue;
    kept.push(arg);
  }
  return kept;
}
