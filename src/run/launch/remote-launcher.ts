/** `--redis`: each job is queued for `multicore worker --shell` processes instead of started here. */
import { watchChild, type JobEvents, type JobProcess, type LaunchRequest, type Launcher } from './launcher.js';
import type { RemoteJobs } from '../remote/remote-jobs.js';

export class RemoteLauncher implements Launcher {
  readonly #remote: RemoteJobs;

  private constructor(remote: RemoteJobs) {
    this.#remote = remote;
  }

  static async open(url: string, queue: string): Promise<RemoteLauncher> {
    const { RemoteJobs } = await import('../remote/remote-jobs.js');
    return new RemoteLauncher(await RemoteJobs.open(url, queue));
  }

  launch(request: LaunchRequest, events: JobEvents): JobProcess {
    const { command, seq, slot, stdin, attempt } = request;
    return watchChild(this.#remote.spawn({ command, seq, slot, stdin, attempt }), stdin, events);
  }

  close(): Promise<void> {
    return this.#remote.close();
  }
}
