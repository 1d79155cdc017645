/**
 * The spawner helper's program, in Perl (perl-base is part of every Debian and Ubuntu system,
 * and macOS ships perl). Forking our own Node process for every job copies its page tables and
 * makes each later write to its heap fault, and `child_process.spawn` then waits for the exec;
 * a small process forks in a fraction of that. The helper forks, puts each job in a session of
 * its own (as `detached: true` does), runs `$shell -c command` with PARALLEL_SEQ and
 * PARALLEL_JOBSLOT set and stdin from /dev/null, and multiplexes the jobs' stdout and stderr to
 * us on fd 3, one frame per read.
 *
 * Arguments: the shell, whether to drop Deno's marker, `slots`: how many queued jobs (Q) may
 * run at once (0 when only J is sent), and `constants` (spawnerConstants below).
 * Requests on stdin:  `J seq slot piped length\n` + the command's bytes: start it now, in that
 *                     slot (piped: 1 when the job's stdout and stderr come to us, 0 when it
 *                     inherits ours, as -u wants).
 *                     `Q seq piped length\n` + the command's bytes: start it as soon as fewer than
 *                     `slots` queued jobs run, in the lowest free slot, in the order queued; so
 *                     the next job starts the moment one ends, without waiting for us.
 *                     `C seq\n`: take back the queued job seq if it has not started (N follows);
 *                     else nothing (its P came before). So every take-back is answered, N or P,
 *                     and we hold the kills sent after one until it is: a kill frees a slot.
 * Frames on fd 3:     `P seq pid slot micros\n`: started, at that wall-clock time (microseconds
 *                     since the epoch, `-` when the helper has no clock finer than seconds);
 *                     `O seq 1|2 length\n` + bytes: output; `X seq code signal\n`: exited (`-` for the one not set) once its pipes are
 *                     closed too; `E seq length\n` + message: the exec failed (no X follows);
 *                     `N seq\n`: taken back before it started.
 * A queued job's slot frees when its X is sent, and the next queued job starts in the same turn
 * of the loop, its P in the same write as that X.
 * The helper ends once its stdin is closed and every job it started has ended.
 *
 * What a job costs the helper is mostly its fork: copying the helper's page tables, and then a
 * page fault for every page the helper writes while the child shares it. So the helper stays
 * small and writes little per job: no POSIX module (it alone triples the helper's heap) where
 * the system calls it needs are known by number (Linux on x64 and arm64; elsewhere POSIX is
 * loaded), the constants come from us, the jobs' variables are set before the fork, and the exec
 * failures of all jobs share one pipe, read only when a job exits with 127 (the child writes its
 * pid and the error before it exits, so the line is there once the job is reaped). Per job: two
 * pipes (none with -u), and about one wake-up.
 */
import { constants as fsConstants } from 'node:fs';
import os from 'node:os';

export const spawnerScript = String.raw`
use strict; use warnings;
my ($shell, $drop_deno_marker, $slot_count, $constants) = @ARGV;
# Numbers, not strings: fcntl() would take a string for a pointer to its bytes.
my %sys = map { my ($name, $value) = split /=/; ($name, 0 + $value) } split / /, $constants;
my ($EINTR, $EAGAIN, $O_NONBLOCK) = @sys{qw(EINTR EAGAIN O_NONBLOCK)};
# The same on every system perl runs on.
my ($F_SETFD, $F_SETFL, $FD_CLOEXEC, $WNOHANG) = (2, 4, 1, 1);
my $by_number = exists $sys{setsid};
require POSIX unless $by_number;
# The wall clock in microseconds, for a job's start: the clock_gettime system call, else
# Time::HiRes where it is installed (not in perl-base), else none ('-': we take our own).
my $timespec = pack('q2', 0, 0);
my $hires = !$by_number && eval { require Time::HiRes; 1 };
sub now_micros {
  if ($by_number) {
    syscall($sys{clock_gettime}, 0, $timespec);
    my ($seconds, $nanoseconds) = unpack('q2', $timespec);
    return $seconds * 1000000 + int($nanoseconds / 1000);
  }
  return $hires ? int(Time::HiRes::time() * 1000000) : '-';
}
# Deno tells a child which extra descriptors it was given (our fd 3) in DENO_EXTRA_STDIO_FDS;
# that is the helper's, not the jobs': they get the environment they would get without it.
delete $ENV{DENO_EXTRA_STDIO_FDS} if $drop_deno_marker;
open(my $ctl, '>&=', 3) or die "multicore run spawner: fd 3: $!\n";
binmode $ctl; binmode STDIN;
fcntl($ctl, $F_SETFD, $FD_CLOEXEC);
open(my $devnull, '<', '/dev/null') or die "multicore run spawner: /dev/null: $!\n";
pipe(my $wake_r, my $wake_w) or die "multicore run spawner: pipe: $!\n";
fcntl($_, $F_SETFL, $O_NONBLOCK) for $wake_r, $wake_w;
pipe(my $failed_r, my $failed_w) or die "multicore run spawner: pipe: $!\n";
fcntl($failed_r, $F_SETFL, $O_NONBLOCK);
$SIG{CHLD} = sub { syswrite($wake_w, 'c') };
$SIG{PIPE} = 'IGNORE';
my (%readers, %jobs, %statuses, %exec_errors);
my @queue;
my @free_slots = (1 .. $slot_count);
my $input = '';
my $input_open = 1;

# Frames wait here and go in one write before the helper next waits: fewer wake-ups for us.
my $frames = '';
sub send_frame { $frames .= $_[0]; }

sub flush_frames {
  my $offset = 0;
  while ($offset < length $frames) {
    my $written = syswrite($ctl, $frames, length($frames) - $offset, $offset);
    if (!defined $written) { next if $! == $EINTR; exit 1; }
    $offset += $written;
  }
  $frames = '';
}

# The lines of the children whose exec failed: "pid error".
# Read while select says there is something: it never blocks, whatever the descriptor's flags.
sub read_exec_errors {
  my $wanted = '';
  vec($wanted, fileno($failed_r), 1) = 1;
  while (select(my $ready = $wanted, undef, undef, 0) > 0) {
    my $read = sysread($failed_r, my $bytes, 65536);
    last if !defined $read || $read == 0;
    $exec_errors{$1} = $2 while $bytes =~ /(\d+) ([^\n]*)\n/g;
  }
}

sub finish_job {
  my ($pid) = @_;
  my $job = $jobs{$pid};
  return unless defined $job && $job->{open} == 0 && exists $statuses{$pid};
  my $status = delete $statuses{$pid};
  delete $jobs{$pid};
  if ($job->{queued}) { @free_slots = sort { $a <=> $b } @free_slots, $job->{slot}; }
  if (($status & 0x7f) == 0 && ($status >> 8) == 127) {
    read_exec_errors();
    if (defined(my $error = delete $exec_errors{$pid})) { send_frame("E $job->{seq} " . length($error) . "\n" . $error); return; }
  }
  if ($status & 127) { send_frame("X $job->{seq} - " . ($status & 127) . "\n"); }
  else { send_frame("X $job->{seq} " . ($status >> 8) . " -\n"); }
}

sub reap {
  while ((my $pid = waitpid(-1, $WNOHANG)) > 0) { $statuses{$pid} = $?; finish_job($pid); }
}

sub start_job {
  my ($seq, $slot, $piped, $command, $queued) = @_;
  my ($out_r, $out_w, $err_r, $err_w);
  if ($piped) {
    pipe($out_r, $out_w) or die "multicore run spawner: pipe: $!\n";
    pipe($err_r, $err_w) or die "multicore run spawner: pipe: $!\n";
  }
  my $started = now_micros();
  $ENV{PARALLEL_SEQ} = $seq;
  $ENV{PARALLEL_JOBSLOT} = $slot;
  my $pid = fork();
  die "multicore run spawner: fork: $!\n" unless defined $pid;
  if ($pid == 0) {
    $SIG{PIPE} = 'DEFAULT';
    if ($by_number) {
      syscall($sys{setsid});
      syscall($sys{dup3}, fileno($devnull), 0, 0);
      if ($piped) { syscall($sys{dup3}, fileno($out_w), 1, 0); syscall($sys{dup3}, fileno($err_w), 2, 0); }
    } else {
      POSIX::setsid();
      POSIX::dup2(fileno($devnull), 0);
      if ($piped) { POSIX::dup2(fileno($out_w), 1); POSIX::dup2(fileno($err_w), 2); }
    }
    { no warnings 'exec'; exec { $shell } $shell, '-c', $command; }
    syswrite($failed_w, "$$ $!\n");
    # Straight out, as _exit does: nothing of the helper's is flushed or destroyed twice.
    if ($by_number) { syscall($sys{exit_group}, 127); }
    POSIX::_exit(127);
  }
  my $job = $jobs{$pid} = { seq => $seq, slot => $slot, queued => $queued, open => 0 };
  if ($piped) {
    close $out_w; close $err_w;
    $readers{fileno($out_r)} = [$out_r, 1, $pid];
    $readers{fileno($err_r)} = [$err_r, 2, $pid];
    $job->{open} = 2;
  }
  send_frame("P $seq $pid $slot $started\n");
}

sub start_queued {
  while (@queue && @free_slots) {
    my $next = shift @queue;
    start_job($next->[0], shift(@free_slots), $next->[1], $next->[2], 1);
  }
}

sub read_requests {
  my $read = sysread(STDIN, $input, 65536, length $input);
  if (!defined $read) { return if $! == $EINTR; die "multicore run spawner: read: $!\n"; }
  if ($read == 0) { $input_open = 0; return; }
  for (;;) {
    if ($input =~ /\AJ (\d+) (\d+) ([01]) (\d+)\n/) {
      my ($seq, $slot, $piped, $length, $header) = ($1, $2, $3, $4, $+[0]);
      last if length($input) < $header + $length;
      my $command = substr($input, $header, $length);
      substr($input, 0, $header + $length) = '';
      start_job($seq, $slot, $piped, $command, 0);
    } elsif ($input =~ /\AQ (\d+) ([01]) (\d+)\n/) {
      my ($seq, $piped, $length, $header) = ($1, $2, $3, $+[0]);
      last if length($input) < $header + $length;
      push @queue, [$seq, $piped, substr($input, $header, $length)];
      substr($input, 0, $header + $length) = '';
    } elsif ($input =~ /\AC (\d+)\n/) {
      my $seq = $1;
      substr($input, 0, $+[0]) = '';
      my $before = @queue;
      @queue = grep { $_->[0] != $seq } @queue;
      send_frame("N $seq\n") if @queue < $before;
    } else {
      last;
    }
  }
  start_queued();
}

sub read_output {
  my ($fd) = @_;
  my ($handle, $stream, $pid) = @{$readers{$fd}};
  my $read = sysread($handle, my $bytes, 65536);
  if (!defined $read) { return if $! == $EINTR || $! == $EAGAIN; $read = 0; }
  if ($read > 0) { send_frame("O $jobs{$pid}{seq} $stream $read\n$bytes"); return; }
  close $handle;
  delete $readers{$fd};
  $jobs{$pid}{open}--;
  finish_job($pid);
}

while ($input_open || %jobs || @queue) {
  reap();
  start_queued();
  flush_frames();
  my $wanted = '';
  vec($wanted, fileno(STDIN), 1) = 1 if $input_open;
  vec($wanted, fileno($wake_r), 1) = 1;
  vec($wanted, $_, 1) = 1 for keys %readers;
  my $ready = select(my $got = $wanted, undef, undef, undef);
  if ($ready < 0) { next if $! == $EINTR; die "multicore run spawner: select: $!\n"; }
  sysread($wake_r, my $ignored, 4096) if vec($got, fileno($wake_r), 1);
  read_requests() if $input_open && vec($got, fileno(STDIN), 1);
  for my $fd (keys %readers) { read_output($fd) if exists $readers{$fd} && vec($got, $fd, 1); }
}
reap();
flush_frames();
`;

/** System calls by number, where known: the helper then needs no POSIX module. */
const syscallNumbers: Partial<Record<string, { setsid: number; dup3: number; exit_group: number; clock_gettime: number }>> = {
  'linux-x64': { setsid: 112, dup3: 292, exit_group: 231, clock_gettime: 228 },
  'linux-arm64': { setsid: 157, dup3: 24, exit_group: 94, clock_gettime: 113 },
};

/**
 * The spawner's last argument: this system's errno and open flag values, and its system calls'
 * numbers where known (`withSyscalls` false leaves them out, as on a system where they are not).
 */
export function spawnerConstants(withSyscalls = true): string {
  const constants: Record<string, number> = {
    // Linux's values where a runtime does not give them (macOS: EAGAIN 35, O_NONBLOCK 4).
    EINTR: os.constants.errno.EINTR ?? 4,
    EAGAIN: os.constants.errno.EAGAIN ?? (process.platform === 'darwin' ? 35 : 11),
    O_NONBLOCK: fsConstants.O_NONBLOCK ?? (process.platform === 'darwin' ? 4 : 2048),
    ...(withSyscalls ? syscallNumbers[`${process.platform}-${process.arch}`] : {}),
  };
  return Object.entries(constants).map(([name, value]) => `${name}=${value}`).join(' ');
}
