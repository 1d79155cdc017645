/**
 * `multicore worker --shell`: runs the jobs that `multicore run --redis URL` queues, up to
 * `--jobs` at once, each as `$PARALLEL_SHELL -c command` in its own process group, and sends
 * back its stdout, stderr and exit status. The first SIGTERM or SIGINT finishes the running
 * jobs and stops; a second stops at once (Redis hands their jobs to another worker).
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { Job } from 'bullmq';
import { bullmqConnection, loadDrivers } from '../../backends/redis/connection.js';
import { describeServer, queueName, redisConnection } from '../../options/redis-options.js';
import { positiveInteger } from '../../options/validate.js';
import { usableCores } from '../../system/sysinfo.js';
import { jobShell, shellScript } from '../launch/node-launcher.js';
import { defaultQueue, lockTimings, parseJobData, type ShellJobResult } from './protocol.js';

const usage = `Usage: multicore worker --shell [--redis URL] [--queue NAME] [--jobs N]

Runs the shell jobs queued by 'multicore run --redis URL ...'.
  --redis URL   the Redis server (default REDIS_URL or redis://127.0.0.1:6379)
  --queue NAME  the queue, as given to multicore run --queue (default ${defaultQueue})
  --jobs N      jobs at once (default: usable cores)`;

/** Runs one job to its end and returns what it printed and how it ended. */
function runShellJob(job: Job): Promise<string> {
  const data = parseJobData(job.data);
  const command = Buffer.from(data.command, 'base64').toString('latin1');
  return new Promise((resolve) => {
    const child = spawn(jobShell(), ['-c', shellScript(command)], {
      detached: true,
      stdio: [data.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, PARALLEL_SEQ: String(data.seq), PARALLEL_JOBSLOT: String(data.slot), PARALLEL_PID: String(process.pid) },
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    if (data.stdin !== null) {
      child.stdin!.on('error', () => {}); // a job that reads no stdin closes it early
      child.stdin!.end(Buffer.from(data.stdin, 'base64'));
    }
    child.on('error', (error) => stderr.push(Buffer.from(`multicore worker: cannot start ${jobShell()}: ${error.message}\n`)));
    child.on('close', (code, signal) => {
      const result: ShellJobResult = {
        stdout: Buffer.concat(stdout).toString('base64'), stderr: Buffer.concat(stderr).toString('base64'),
        code, signal, host: `${hostname()}:${process.pid}`,
      };
      resolve(JSON.stringify(result));
    });
  });
}

export async function main(argv: string[]): Promise<number> {
  let settings;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { shell: { type: 'boolean' }, redis: { type: 'string' }, queue: { type: 'string' }, jobs: { type: 'string', short: 'j' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help === true) {
      console.log(usage);
      return 0;
    }
    settings = {
      connection: redisConnection('--redis', values.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
      queue: values.queue === undefined ? defaultQueue : queueName('--queue', values.queue),
      jobs: values.jobs === undefined ? usableCores() : positiveInteger('--jobs', Number(values.jobs)),
    };
  } catch (error) {
    console.error(`multicore worker: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { Worker } = (await loadDrivers()).bullmq;
  const worker = new Worker(settings.queue, runShellJob, { connection: bullmqConnection(settings.connection), concurrency: settings.jobs, ...lockTimings });
  worker.on('error', (error) => console.error(`multicore worker: ${settings.queue}: ${error.message}`));
  await worker.waitUntilReady();
  console.log(`multicore worker ${process.pid}: running shell jobs of queue ${settings.queue} on ${describeServer(settings.connection)}, ${settings.jobs} at once`);
  await new Promise<void>((done) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        console.error(`multicore worker: ${signal} again, stopping now; unfinished jobs go back to the queue`);
        void worker.close(true).then(done);
        return;
      }
      stopping = true;
      console.error(`multicore worker: ${signal}, finishing running jobs (send it again to stop now)`);
      void worker.close().then(done);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return 0;
}
