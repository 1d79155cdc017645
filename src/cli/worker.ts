/**
 * `multicore worker`: serves the named tasks of local modules to pools with backend 'redis'.
 * The first SIGTERM or SIGINT stops taking jobs and finishes the running ones; a second one
 * stops at once, and Redis hands the unfinished jobs to another worker.
 *
 * Exit codes: 0 after a signal, 1 when it cannot serve (a task module, Redis unreachable for
 * --connect-timeout, credentials refused, a runtime that cannot: Bun), 2 for wrong arguments.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { RedisOptions } from 'ioredis';
import { defaultMaxStalls, serveTasks } from '../backends/redis/serve.js';
import { defaultMaxJobBytes, describeServer, maxJobBytes, queueName, redisConnection, secretBytes } from '../options/redis-options.js';
import { redisWorkerRefusal } from '../options/runtime-support.js';
import { positiveInteger } from '../options/validate.js';
import { markAsWorker } from '../tasks/worker-flag.js';
import { usableCores } from '../system/sysinfo.js';

const defaultConnectTimeoutMs = 30_000;
const connectRetryMs = 1000;
/** After a second signal: how long the worker waits for BullMQ to let go before it exits anyway. */
const killGraceMs = 2000;

const usage = `Usage: multicore worker --tasks ./tasks.js [--tasks ./more.js] [options]

Runs the tasks exported by the given modules for pools created with
new Pool({ backend: 'redis', redis: URL, queue: NAME }).

Options:
  --tasks PATH     a task module to serve (repeatable); only its exported functions can run
  --redis URL      redis:// or rediss:// (TLS) URL (default redis://127.0.0.1:6379);
                   REDIS_URL is used when the option is absent
  --threads N      worker threads running tasks (default: usable cores)
  --tasks-per-thread N
                   tasks each thread runs at once, for tasks that await I/O (default 1);
                   the pool's concurrentTasksPerWorker, for this worker's threads
  --queue NAME     the queue's base name, as in the pool's queue option (default multicore)
  --tls-ca FILE    PEM certificate authority to trust for rediss:// (or NODE_EXTRA_CA_CERTS)
  --tls-cert FILE  PEM client certificate, with --tls-key FILE, when Redis asks for one
  --secret-file FILE
                   run only jobs signed with the secret in FILE, and sign the results, as
                   the pool's secret option; MULTICORE_SECRET is used when it is absent
  --max-job-bytes N
                   largest job accepted and result sent, in bytes (default ${defaultMaxJobBytes})
  --max-stalls N   times a job whose worker died is handed to another before it fails
                   (default ${defaultMaxStalls})
  --connect-timeout MS
                   how long to retry (every ${connectRetryMs} ms) a Redis that does not answer at
                   start, then exit 1 (default ${defaultConnectTimeoutMs}); refused credentials exit 1 at once
  -h, --help       show this help

Exit codes: 0 stopped by a signal, 1 cannot serve, 2 wrong arguments.`;

export async function main(argv: string[]): Promise<number> {
  // `--shell`: run the shell jobs of `multicore run --redis` (src/run/remote) instead of tasks.
  if (argv.includes('--shell')) return (await import('../run/remote/shell-worker.js')).main(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        tasks: { type: 'string', multiple: true },
        redis: { type: 'string' },
        threads: { type: 'string' },
        'tasks-per-thread': { type: 'string' },
        queue: { type: 'string' },
        'tls-ca': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'secret-file': { type: 'string' },
        'max-job-bytes': { type: 'string' },
        'max-stalls': { type: 'string' },
        'connect-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    console.error(`multicore worker: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  const { values } = parsed;
  if (values.help === true) {
    console.log(usage);
    return 0;
  }
  let settings;
  try {
    settings = readSettings(values);
  } catch (error) {
    console.error(`multicore worker: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  const refusal = redisWorkerRefusal();
  if (refusal !== undefined) {
    console.error(`multicore worker: ${refusal.code}: ${refusal.message}`);
    return 1;
  }
  const log = (line: string) => console.error(line);
  const where = describeServer(settings.connection);
  const connect = { server: where, retryMs: connectRetryMs, timeoutMs: settings.connectTimeout };
  markAsWorker();
  let server;
  try {
    server = await serveTasks({ ...settings, connect, log });
  } catch (error) {
    // A task module that fails to import or exports nothing, Redis unreachable for
    // --connect-timeout, or refusing the credentials: nothing to serve.
    console.error(`multicore worker: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  for (const { queue, taskSet } of server.served) {
    console.log(`multicore worker ${process.pid}: serving ${taskSet.names.join(', ')} from ${taskSet.module}`);
    const signed = settings.secret === undefined ? '' : ', signed jobs only';
    console.log(`  queue ${queue} on ${where}, ${settings.threads} thread${settings.threads === 1 ? '' : 's'}${settings.tasksPerThread > 1 ? ` of ${settings.tasksPerThread} tasks each` : ''}${signed}`);
  }
  await stopOnSignal(server, log);
  return 0;
}

interface Flags {
  tasks?: string[];
  redis?: string;
  threads?: string;
  'tasks-per-thread'?: string;
  queue?: string;
  'tls-ca'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'secret-file'?: string;
  'max-job-bytes'?: string;
  'max-stalls'?: string;
  'connect-timeout'?: string;
}

function readSettings(values: Flags) {
  if (values.tasks === undefined || values.tasks.length === 0) throw new TypeError('--tasks is required: the module(s) whose exported functions this worker runs');
  const threads = values.threads === undefined ? usableCores() : positiveInteger('--threads', Number(values.threads));
  return {
    connection: withTlsFiles(redisConnection('--redis', values.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'), values),
    queue: values.queue === undefined ? 'multicore' : queueName('--queue', values.queue),
    modules: values.tasks.map((path) => (/^[a-z][a-z\d+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path) ? path : pathToFileURL(resolve(path)).href)),
    threads,
    tasksPerThread: values['tasks-per-thread'] === undefined ? 1 : positiveInteger('--tasks-per-thread', Number(values['tasks-per-thread'])),
    secret: readSecret(values['secret-file']),
    maxJobBytes: values['max-job-bytes'] === undefined ? defaultMaxJobBytes : maxJobBytes('--max-job-bytes', wholeNumber('--max-job-bytes', values['max-job-bytes'])),
    maxStalls: values['max-stalls'] === undefined ? defaultMaxStalls : wholeNumber('--max-stalls', values['max-stalls']),
    connectTimeout: values['connect-timeout'] === undefined ? defaultConnectTimeoutMs : milliseconds('--connect-timeout', values['connect-timeout']),
  };
}

/** Timers take at most 2^31 - 1 ms. */
function milliseconds(name: string, text: string): number {
  const value = positiveInteger(name, wholeNumber(name, text));
  if (value > 2 ** 31 - 1) throw new RangeError(`${name} must be at most ${2 ** 31 - 1} ms, got ${value}`);
  return value;
}

function wholeNumber(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new RangeError(`${name} must be a whole number ≥ 0, got '${text}'`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} is too large: ${text}`);
  return value;
}

/**
 * The secret comes from a file or the environment, never from an argument, which any user of the
 * machine could read in `ps`. The file's text is the secret, without its trailing newline.
 */
function readSecret(file: string | undefined): Buffer | undefined {
  const fromEnv = process.env.MULTICORE_SECRET;
  if (file !== undefined && fromEnv !== undefined && fromEnv !== '') throw new TypeError('give the secret with --secret-file or MULTICORE_SECRET, not both');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new TypeError(`--secret-file ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return secretBytes(`the secret in --secret-file ${file}`, text.replace(/\r?\n$/, ''));
  }
  return fromEnv === undefined || fromEnv === '' ? undefined : secretBytes('MULTICORE_SECRET', fromEnv);
}

/** --tls-* files turn TLS on (as rediss:// does) and add what to trust and how to identify. */
function withTlsFiles(connection: RedisOptions, values: Flags): RedisOptions {
  const ca = values['tls-ca'];
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if ((cert === undefined) !== (key === undefined)) throw new TypeError('--tls-cert and --tls-key go together');
  if (ca === undefined && cert === undefined) return connection;
  return {
    ...connection,
    tls: {
      ...connection.tls,
      ...(ca !== undefined && { ca: readFileSync(ca) }),
      ...(cert !== undefined && key !== undefined && { cert: readFileSync(cert), key: readFileSync(key) }),
    },
  };
}

function stopOnSignal(server: Awaited<ReturnType<typeof serveTasks>>, log: (line: string) => void): Promise<void> {
  return new Promise((done) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`multicore worker: ${signal} again, stopping now; unfinished jobs go back to the queue`);
        // BullMQ may wait on a Redis that has gone away: the worker exits anyway, in bounded time.
        const grace = setTimeout(() => process.exit(0), killGraceMs);
        grace.unref();
        void server.kill().then(done);
        return;
      }
      stopping = true;
      log(`multicore worker: ${signal}, finishing running jobs (send it again to stop now)`);
      void server.close().then(done);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
