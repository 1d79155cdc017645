/**
 * The floors under `multicore run`'s rate: N jobs of `true x`, two at a time, started with
 * nothing else around them (no template, no output handling, no joblog). Modes:
 *   node-sh-pipes     child_process.spawn('/bin/sh', ['-c', ...]), detached, stdout/stderr piped
 *                     (what a child process per job costs multicore run before its bookkeeping)
 *   node-sh-ignore    the same with stdio 'ignore': no pipes
 *   node-exec-ignore  spawn('true', ['x']) with stdio 'ignore': no shell, no pipes
 *   perl-fork         a Perl loop forking each job (setsid, then exec /bin/sh -c): the spawner
 *                     helper's floor, without its protocol
 * Usage: node spawn-floor.mjs MODE JOBS AT_ONCE
 */
import { spawn } from 'node:child_process';

const [mode, jobsText = '1000', atOnceText = '2'] = process.argv.slice(2);
const jobs = Number(jobsText);
const atOnce = Number(atOnceText);

const starts = {
  'node-sh-pipes': () => spawn('/bin/sh', ['-c', 'true x'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] }),
  'node-sh-ignore': () => spawn('/bin/sh', ['-c', 'true x'], { detached: true, stdio: 'ignore' }),
  'node-exec-ignore': () => spawn('true', ['x'], { stdio: 'ignore' }),
};

const perlLoop = String.raw`
use POSIX ();
my ($jobs, $at_once) = @ARGV; my ($started, $running) = (0, 0);
while ($started < $jobs || $running > 0) {
  while ($started < $jobs && $running < $at_once) {
    my $pid = fork();
    if ($pid == 0) { POSIX::setsid(); exec '/bin/sh', '-c', 'true x'; POSIX::_exit(127); }
    $started++; $running++;
  }
  waitpid(-1, 0); $running--;
}`;

if (mode === 'perl-fork') {
  const child = spawn('perl', ['-e', perlLoop, String(jobs), String(atOnce)], { stdio: 'inherit' });
  child.on('close', (code) => process.exit(code ?? 1));
} else {
  const start = starts[mode];
  if (start === undefined) throw new RangeError(`mode must be one of ${[...Object.keys(starts), 'perl-fork'].join(', ')}; got ${mode}`);
  let started = 0;
  const next = () => {
    if (started >= jobs) return;
    started++;
    start().on('close', next);
  };
  for (let i = 0; i < atOnce; i++) next();
}
