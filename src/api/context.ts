/** What the API functions need from the Pool: its backend and its open/closed bookkeeping. */
import type { Backend } from '../backends/backend.js';

export interface CallContext {
  readonly backend: Backend;
  /** Registers a call; throws PoolClosedError after close(). Returns the function that ends it. */
  begin(method: string): () => void;
  /**
   * begin() for a call whose code ends it exactly once (apply, called so often that the closure
   * counts): it allocates nothing; exit() ends it.
   */
  enter(method: string): void;
  exit(): void;
  /** The error a call would get now, if the pool no longer takes work. */
  refusal(method: string): Error | undefined;
}
