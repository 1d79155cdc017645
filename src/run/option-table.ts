/**
 * The options `multicore run` knows, each with its names and what it sets, and GNU parallel's
 * options that it recognises but does not implement (refused by name rather than as unknown).
 */
import { RunUsageError } from './errors.js';
import { parseHalt } from './halt.js';
import { parseJobs } from './jobs.js';
import { fromBytes, parseColsep, parseCount, parseDelimiter, parseLoad, parsePositive, parseSeconds, unescape } from './option-values.js';
import { parseSize } from './pipe.js';
import type { PipeOptions, RunOptions } from './run-options.js';
import { defaultReplacementNames, type ReplacementNames } from './template/template.js';
import { parseTermseq, parseTimeout } from './timeout.js';
import { usableCores } from '../system/sysinfo.js';

type Setter = (options: RunOptions, value: string) => void;

export interface OptionSpec {
  names: string[];
  /** Present when the option takes a value. */
  set?: Setter;
  flag?: (options: RunOptions) => void;
}

const accepted = (): void => {};

const specs: OptionSpec[] = [
  { names: ['-j', '-P', '--jobs', '--max-procs'], set: (o, v) => { o.jobs = parseJobs(v, usableCores()); } },
  { names: ['-k', '--keep-order', '--keeporder'], flag: (o) => { o.keepOrder = true; } },
  { names: ['-u', '--ungroup'], flag: (o) => { o.output = 'ungroup'; } },
  { names: ['--group'], flag: (o) => { o.output = 'group'; } },
  { names: ['--line-buffer', '--linebuffer', '--lb'], flag: (o) => { o.output = 'line-buffer'; } },
  { names: ['--tag'], flag: (o) => { o.tag = true; } },
  { names: ['--tagstring', '--tag-string'], set: (o, v) => { o.tagstring = v; } },
  { names: ['--joblog', '--jl'], set: (o, v) => { o.joblog = v.startsWith('+') && v.length > 1 ? { path: fromBytes(v.slice(1)), append: true } : { path: fromBytes(v), append: false }; } },
  { names: ['--resume'], flag: (o) => { o.resume = o.resume === 'failed' ? 'failed' : 'all'; } },
  { names: ['--resume-failed'], flag: (o) => { o.resume = 'failed'; } },
  { names: ['--retry-failed'], flag: (o) => { o.retryFailed = true; } },
  { names: ['--halt', '--halt-on-error'], set: (o, v) => { o.halt = parseHalt(v); } },
  { names: ['--retries'], set: (o, v) => { const n = parseCount('--retries', v); o.retries = n === 0 ? Infinity : n; } },
  { names: ['--timeout'], set: (o, v) => { o.timeout = parseTimeout(v); } },
  { names: ['--termseq'], set: (o, v) => { o.termseq = parseTermseq(v); } },
  { names: ['--dry-run', '--dryrun'], flag: (o) => { o.dryRun = true; } },
  { names: ['--progress'], flag: (o) => { o.progress = 'progress'; } },
  { names: ['--bar'], flag: (o) => { o.progress = 'bar'; } },
  { names: ['--eta'], flag: (o) => { o.progress = 'eta'; } },
  { names: ['-0', '--null'], flag: (o) => { o.delimiter = '\0'; } },
  { names: ['-d', '--delimiter'], set: (o, v) => { o.delimiter = parseDelimiter(v); } },
  { names: ['-C', '--colsep'], set: (o, v) => { o.colsep = parseColsep(v); } },
  { names: ['-a', '--arg-file', '--argfile'], set: (o, v) => { o.sources.push({ kind: 'file', path: fromBytes(v), linked: false }); } },
  { names: ['-r', '--no-run-if-empty'], flag: (o) => { o.skipEmpty = true; } },
  { names: ['-q', '--quote'], flag: (o) => { o.quoteCommand = true; } },
  { names: ['--header'], set: (o, v) => { o.header = v; } },
  { names: ['--link', '--xapply'], flag: (o) => { o.link = true; } },
  { names: ['-n', '--max-args'], set: (o, v) => { o.batching = { kind: 'count', records: parseCount('-n/--max-args', v) }; } },
  { names: ['-N', '--max-replace-args'], set: (o, v) => { o.batching = { kind: 'count', records: parseCount('-N/--max-replace-args', v) }; } },
  { names: ['-L', '--max-lines'], set: (o, v) => { o.batching = { kind: 'lines', lines: parsePositive('-L/--max-lines', v) }; } },
  { names: ['-X'], flag: (o) => { o.batching = { kind: 'fill', distribute: true }; o.contextReplace = true; } },
  { names: ['-m'], flag: (o) => { o.batching = { kind: 'fill', distribute: true }; } },
  { names: ['--xargs'], flag: (o) => { o.batching = { kind: 'fill', distribute: false }; } },
  { names: ['-I', '--replace'], set: (o, v) => { rename(o, 'args', v); } },
  { names: ['--extensionreplace', '--er'], set: (o, v) => { rename(o, 'extension', v); } },
  { names: ['--basenamereplace', '--bnr'], set: (o, v) => { rename(o, 'basename', v); } },
  { names: ['--dirnamereplace', '--dnr'], set: (o, v) => { rename(o, 'dirname', v); } },
  { names: ['--basenameextensionreplace', '--bner'], set: (o, v) => { rename(o, 'basenameExtension', v); } },
  { names: ['--seqreplace'], set: (o, v) => { rename(o, 'seq', v); } },
  { names: ['--slotreplace'], set: (o, v) => { rename(o, 'slot', v); } },
  { names: ['--plus'], flag: (o) => { o.plus = true; } },
  { names: ['--delay'], set: (o, v) => { o.delaySeconds = parseSeconds('--delay', v); } },
  { names: ['--shuf'], flag: (o) => { o.shuffle = true; } },
  { names: ['-v'], flag: (o) => { o.verbose = 'stdout'; } },
  { names: ['-t', '--verbose'], flag: (o) => { o.verbose = 'stderr'; } },
  { names: ['--wd', '--workdir'], set: (o, v) => { o.workdir = fromBytes(v); } },
  // Jobs run here, so they inherit the whole environment already; --env only matters remotely.
  { names: ['--env'], set: accepted },
  { names: ['--results', '--res'], set: (o, v) => { o.results = fromBytes(v); } },
  { names: ['--files'], flag: (o) => { o.files = true; } },
  { names: ['--pipe', '--spreadstdin'], flag: (o) => { o.pipe ??= defaultPipe(); } },
  { names: ['--block', '--block-size'], set: (o, v) => { (o.pipe ??= defaultPipe()).blockBytes = parseSize('--block', v); } },
  { names: ['--recstart'], set: (o, v) => { (o.pipe ??= defaultPipe()).recstart = unescape(v); } },
  { names: ['--recend'], set: (o, v) => { (o.pipe ??= defaultPipe()).recend = unescape(v); } },
  { names: ['--arg-sep', '--argsep'], set: (o, v) => { o.separators.values = v; } },
  { names: ['--arg-file-sep', '--argfilesep'], set: (o, v) => { o.separators.files = v; } },
  { names: ['--load'], set: (o, v) => { o.maxLoad = parseLoad(v); } },
  { names: ['--memfree'], set: (o, v) => { o.memfreeBytes = parseSize('--memfree', v); } },
  { names: ['--redis'], set: (o, v) => { o.redis = { url: fromBytes(v), queue: o.redis?.queue ?? 'multicore-run' }; } },
  { names: ['--queue'], set: (o, v) => { o.redis = { url: o.redis?.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', queue: fromBytes(v) }; } },
  { names: ['--number-of-cores'], flag: (o) => { o.print = 'cores'; } },
  { names: ['--number-of-cpus'], flag: (o) => { o.print = 'cores'; } },
  { names: ['--number-of-threads'], flag: (o) => { o.print = 'threads'; } },
  { names: ['--number-of-sockets'], flag: (o) => { o.print = 'sockets'; } },
  // Accepted for compatibility; they only silence GNU parallel's notices.
  { names: ['--will-cite', '--no-notice', '--gnu'], flag: accepted },
  { names: ['-h', '--help'], flag: (o) => { o.help = true; } },
  { names: ['--version'], flag: (o) => { o.version = true; } },
];

export const byName = new Map(specs.flatMap((spec) => spec.names.map((name) => [name, spec] as const)));

/**
 * GNU parallel 20221122's options that we recognise but do not implement, so that an existing
 * command line fails with a precise message instead of "unknown option".
 */
export const unsupported = new Set([
  '--pipepart', '-S', '--sshlogin', '--slf', '--sshloginfile', '--onall', '--nonall', '--transfer', '--transferfile',
  '--tf', '--return', '--cleanup', '--trc', '--basefile', '--bf', '-i', '--rpl', '--tmux', '--tmuxpane',
  '--semaphore', '--sem', '--semaphorename', '--id', '--semaphoretimeout', '--st', '--fg', '--bg', '--tmpdir',
  '--tempdir', '--compress', '--compress-program', '--decompress-program', '--keep-order-fast', '-l',
  '--memsuspend', '--nice', '--sqlmaster', '--sqlworker', '--sqlandworker', '--shebang', '--shebang-wrap',
  '--hashbang', '--trim', '--ctag', '--ctagstring', '--interactive', '-p', '--noswap', '--fifo', '--cat', '--csv',
  '--shellquote', '--shell-quote', '--filter-hosts', '--joblog-append', '--max-line-length-allowed', '-s',
  '--max-chars', '-E', '--eof', '-e', '--group-by', '--round-robin', '--round', '-x', '--exit', '--profile', '-J',
  '--sshdelay', '--timeout-lazy', '--tty', '--color', '--colour', '--color-failed', '--cf', '--filter',
  '--process-slot-var', '--no-keep-order', '--ungroup-fast', '--use-cores-instead-of-threads',
  '--use-sockets-instead-of-threads', '--use-cpus-instead-of-cores', '--workdir-tmp', '--ssh', '--sshlogin-file',
  '--controlmaster', '-M', '--retries-delay', '--resume-failed-retry', '--record-env', '--env-parallel',
  '--session', '--tagstring-shell', '--embed', '--parens', '--limit', '--line-buffer-fast', '--tee', '--fast',
  '--bibtex', '--citation', '--minversion', '--max-procs-per-host', '--plain', '--ungroup-fail', '--delimiter-fast',
  '--blocktimeout', '--bt', '--regexp', '--recstart-regexp', '--pipe-part', '--header-regexp', '--tmpdirs',
  '--shard', '--shard-by', '--bin', '--results-compress', '--sql', '--dburl', '--sqlinit', '--template',
  '--tmpl', '--ssh-delay', '--ssh-login-file', '--show-limits', '--silent', '--no-run-if-empty-fast', '--test',
  '--max-half-line-buffer', '--quote-fast', '-Y', '--mem-lazy', '--linebuffer-fast', '--timeout-fast',
  '--number-of-sockets-fast', '--plain-fast', '-W', '-U', '-o', '--open-tty', '--nn', '--nonotice', '--wc',
]);

function defaultPipe(): PipeOptions {
  return { blockBytes: 1024 * 1024, recstart: '', recend: '\n' };
}

function rename(options: RunOptions, which: keyof ReplacementNames, value: string): void {
  if (value === '') throw new RunUsageError(`option for the replacement string ${defaultReplacementNames[which]} expects a non-empty string`);
  if (options.names === defaultReplacementNames) options.names = { ...defaultReplacementNames };
  options.names[which] = value;
}
