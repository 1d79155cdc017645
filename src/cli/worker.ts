/**
 * `multicore worker`: serves the named tasks of local modules to pools with backend 'redis'.
 * The first SIGTERM or SIGINT stops taking jobs and finishes the running ones; a second one
 * stops at once, and Redis hands the unfinished jobs to another worker.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { RedisOptions } from 'ioredis';
import { serveTasks } from '../backends/redis/serve.js';
import { describeServer, queueName, redisConnection } from '../options/redis-options.js';
import { positiveInteger } from '../options/validate.js';
import { markAsWorker } from '../tasks/worker-flag.js';
import { usableCores } from '../tools/sysinfo.js';

const usage = `Usage: multicore worker --tasks ./tasks.js [--tasks ./more.js] [options]

Runs the tasks exported by the given modules for pools created with
new Pool({ backend: 'redis', redis: URL, queue: NAME }).

Options:
  --tasks PATH     a task module to serve (repeatable); only its exported functions can run
  --redis URL      redis:// or rediss:// (TLS) URL (default redis://127.0.0.1:6379);
                   REDIS_URL is used when the option is absent
  --threads N      worker threads running tasks (default: usable cores)
  --queue NAME     the queue's base name, as in the pool's queue option (default multicore)
  --tls-ca FILE    PEM certificate authority to trust for rediss:// (or NODE_EXTRA_CA_CERTS)
  --tls-cert FILE  PEM client certificate, with --tls-key FILE, when Redis asks for one
  -h, --help       show this help`;

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
        queue: { type: 'string' },
        'tls-ca': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
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
  const log = (line: string) => console.error(line);
  markAsWorker();
  let server;
  try {
    server = await serveTasks({ ...settings, log });
  } catch (error) {
    // A task module that fails to import, or exports nothing: nothing to serve.
    console.error(`multicore worker: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  for (const { queue, taskSet } of server.served) {
    console.log(`multicore worker ${process.pid}: serving ${taskSet.names.join(', ')} from ${taskSet.module}`);
    console.log(`  queue ${queue} on ${describeServer(settings.connection)}, ${settings.threads} thread${settings.threads === 1 ? '' : 's'}`);
  }
  await stopOnSignal(server, log);
  return 0;
}

interface Flags {
  tasks?: string[];
  redis?: string;
  threads?: string;
  queue?: string;
  'tls-ca'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
}

function readSettings(values: Flags) {
  if (values.tasks === undefined || values.tasks.length === 0) throw new TypeError('--tasks is required: the module(s) whose exported functions this worker runs');
  const threads = values.threads === undefined ? usableCores() : positiveInteger('--threads', Number(values.threads));
  return {
    connection: withTlsFiles(redisConnection('--redis', values.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'), values),
    queue: values.queue === undefined ? 'multicore' : queueName('--queue', values.queue),
    modules: values.tasks.map((path) => (/^[a-z][a-z\d+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path) ? path : pathToFileURL(resolve(path)).href)),
    threads,
  };
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
