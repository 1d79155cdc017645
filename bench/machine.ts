import os from 'node:os';

/** One line naming the machine, Node version and date, placed at the top of every section. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  const date = new Date().toISOString().slice(0, 10);
  return `Machine: ${model}, ${os.availableParallelism()} usable cores, ${memoryGiB} GiB, ` +
    `${os.platform()} ${os.release()}, Node ${process.version}; run on ${date}.`;
}
