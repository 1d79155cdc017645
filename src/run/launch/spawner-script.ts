/**
 * The spawner helper's program, in Perl (perl-base is part of every Debian and Ubuntu system,
 * and macOS ships perl). Forking our own Node process for every job copies its page tables and
 * makes each later write to its heap fault, and `child_process.spawn` then waits for the exec;
 * a small process forks in a fraction of that. The helper forks, puts each job in a session of
 * its own (as `detached: true` does), runs `$shell -c command` with PARALLEL_SEQ and
 * PARALLEL_JOBSLOT set and stdin from /dev/null, and multiplexes the jobs' stdout and stderr to
 * us on fd 3, one frame per read.
 *
 * Requests on stdin:  `J seq slot piped length\n` + the command's bytes (piped: 1 when the job's
 * stdout and stderr come to us, 0 when it inherits ours, as -u wants).
 * Frames on fd 3:     `P seq pid\n`: started; `O seq 1|2 length\n` + bytes: output;
 *                     `X seq code signal\n`: exited (`-` for the one not set) once its pipes are
 *                     closed too; `E seq length\n` + message: the exec failed (no X follows).
 * The helper ends once its stdin is closed and every job it started has ended.
 */
export const spawnerScript = String.raw`
use strict; use warnings; use POSIX ();
use Fcntl qw(F_SETFD F_SETFL FD_CLOEXEC O_NONBLOCK);
use Errno qw(EINTR EAGAIN);
my ($shell, $drop_deno_marker) = @ARGV;
# Deno tells a child which extra descriptors it was given (our fd 3) in DENO_EXTRA_STDIO_FDS;
# that is the helper's, not the jobs': they get the environment they would get without it.
delete $ENV{DENO_EXTRA_STDIO_FDS} if $drop_deno_marker;
open(my $ctl, '>&=', 3) or die "multicore run spawner: fd 3: $!\n";
binmode $ctl; binmode STDIN;
fcntl($ctl, F_SETFD, FD_CLOEXEC);
pipe(my $wake_r, my $wake_w) or die "multicore run spawner: pipe: $!\n";
fcntl($_, F_SETFL, O_NONBLOCK) for $wake_r, $wake_w;
$SIG{CHLD} = sub { syswrite($wake_w, 'c') };
$SIG{PIPE} = 'IGNORE';
my (%readers, %jobs, %statuses);
my $input = '';
my $input_open = 1;

# Frames wait here and go in one write before the helper next waits: fewer wake-ups for us.
my $frames = '';
sub send_frame { $frames .= $_[0]; }

sub flush_frames {
  my $offset = 0;
  while ($offset < length $frames) {
    my $written = syswrite($ctl, $frames, length($frames) - $offset, $offset);
    if (!defined $written) { next if $! == EINTR; exit 1; }
    $offset += $written;
  }
  $frames = '';
}

sub finish_job {
  my ($pid) = @_;
  my $job = $jobs{$pid};
  return unless defined $job && $job->{open} == 0 && exists $statuses{$pid};
  my $status = delete $statuses{$pid};
  delete $jobs{$pid};
  if ($job->{exec_error} ne '') { send_frame("E $job->{seq} " . length($job->{exec_error}) . "\n" . $job->{exec_error}); return; }
  if (POSIX::WIFSIGNALED($status)) { send_frame("X $job->{seq} - " . POSIX::WTERMSIG($status) . "\n"); }
  else { send_frame("X $job->{seq} " . POSIX::WEXITSTATUS($status) . " -\n"); }
}

sub reap {
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) { $statuses{$pid} = $?; finish_job($pid); }
}

sub start_job {
  my ($seq, $slot, $piped, $command) = @_;
  my (@pipes, $out_w, $err_w);
  pipe(my $exec_r, my $exec_w) or die "multicore run spawner: pipe: $!\n";
  push @pipes, [$exec_r, 0];
  if ($piped) {
    pipe(my $out_r, $out_w) or die "multicore run spawner: pipe: $!\n";
    pipe(my $err_r, $err_w) or die "multicore run spawner: pipe: $!\n";
    push @pipes, [$out_r, 1], [$err_r, 2];
  }
  my $pid = fork();
  die "multicore run spawner: fork: $!\n" unless defined $pid;
  if ($pid == 0) {
    $SIG{$_} = 'DEFAULT' for qw(CHLD PIPE);
    POSIX::setsid();
    open(STDIN, '<', '/dev/null');
    if ($piped) { POSIX::dup2(fileno($out_w), 1); POSIX::dup2(fileno($err_w), 2); }
    $ENV{PARALLEL_SEQ} = $seq;
    $ENV{PARALLEL_JOBSLOT} = $slot;
    { no warnings 'exec'; exec { $shell } $shell, '-c', $command; }
    syswrite($exec_w, "$!");
    POSIX::_exit(127);
  }
  close $exec_w;
  if ($piped) { close $out_w; close $err_w; }
  $jobs{$pid} = { seq => $seq, open => scalar(@pipes), exec_error => '' };
  $readers{fileno($_->[0])} = [$_->[0], $_->[1], $pid] for @pipes;
  send_frame("P $seq $pid\n");
}

sub read_requests {
  my $read = sysread(STDIN, $input, 65536, length $input);
  if (!defined $read) { return if $! == EINTR; die "multicore run spawner: read: $!\n"; }
  if ($read == 0) { $input_open = 0; return; }
  while ($input =~ /\AJ (\d+) (\d+) ([01]) (\d+)\n/) {
    my ($seq, $slot, $piped, $length, $header) = ($1, $2, $3, $4, $+[0]);
    last if length($input) < $header + $length;
    my $command = substr($input, $header, $length);
    substr($input, 0, $header + $length) = '';
    start_job($seq, $slot, $piped, $command);
  }
}

sub read_output {
  my ($fd) = @_;
  my ($handle, $stream, $pid) = @{$readers{$fd}};
  my $read = sysread($handle, my $bytes, 65536);
  if (!defined $read) { return if $! == EINTR || $! == EAGAIN; $read = 0; }
  if ($read > 0) {
    if ($stream == 0) { $jobs{$pid}{exec_error} .= $bytes; }
    else { send_frame("O $jobs{$pid}{seq} $stream $read\n$bytes"); }
    return;
  }
  close $handle;
  delete $readers{$fd};
  $jobs{$pid}{open}--;
  finish_job($pid);
}

while ($input_open || %jobs) {
  reap();
  flush_frames();
  my $wanted = '';
  vec($wanted, fileno(STDIN), 1) = 1 if $input_open;
  vec($wanted, fileno($wake_r), 1) = 1;
  vec($wanted, $_, 1) = 1 for keys %readers;
  my $ready = select(my $got = $wanted, undef, undef, undef);
  if ($ready < 0) { next if $! == EINTR; die "multicore run spawner: select: $!\n"; }
  sysread($wake_r, my $ignored, 4096) if vec($got, fileno($wake_r), 1);
  read_requests() if $input_open && vec($got, fileno(STDIN), 1);
  for my $fd (keys %readers) { read_output($fd) if exists $readers{$fd} && vec($got, $fd, 1); }
}
reap();
flush_frames();
`;
