/**
 * The one shape every pool under test takes, so the scenario drives ours and the peers with the
 * same code and interleaves them.
 */

export type TaskName = 'noop' | 'increment' | 'spin';

/** A started pool with two workers (or however many `open` was given). */
export interface PoolUnderTest {
  /** Runs `name(argument)` once in a worker. */
  call(name: TaskName, argument: number): Promise<unknown>;
  /** Runs `name(item)` for every item, the way this pool maps: peers send one task per item. */
  map(name: 'increment' | 'spin', items: number[]): Promise<unknown[]>;
  /** Ends every worker of the pool. */
  close(): Promise<void>;
}

export interface Contender {
  name: string;
  open(workers: number): Promise<PoolUnderTest>;
}

/** A peer's map: one task per item, all submitted at once. */
export function mapByCalls(call: PoolUnderTest['call']): PoolUnderTest['map'] {
  return (name, items) => Promise.all(items.map((item) => call(name, item)));
}
