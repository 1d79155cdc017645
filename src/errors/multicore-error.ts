/**
 * What a failure fails: only the items it names (mapSettled reports them as rejected and goes
 * on), or the whole call.
 */
export type FailureScope = 'items' | 'call';

/** Base class of multicore's own errors. `code` never changes between versions. */
export class MulticoreError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    if (stackHeaderSaysError) renameStackHeader(this);
  }

  /** 'items' for a failure of the items it names (a crash, a timeout, a value that cannot be sent); 'call' otherwise. */
  get scope(): FailureScope {
    return 'call';
  }
}

/** A failure of the items it names, not of the whole call: mapSettled reports it per item and goes on. */
export abstract class ItemFailureError extends MulticoreError {
  override get scope(): FailureScope {
    return 'items';
  }
}

// Bun (JavaScriptCore) writes "Error: ..." as the stack's first line whatever `name` says. Fixed
// there only: reading `stack` on V8 would format every frame of every error up front. Errors are
// the bottom layer, so they read Bun's version key themselves rather than system/js-runtime.ts.
const stackHeaderSaysError = typeof (process.versions as Record<string, string | undefined>).bun === 'string';

function renameStackHeader(error: Error): void {
  if (typeof error.stack === 'string' && error.stack.startsWith('Error: ')) {
    error.stack = `${error.name}${error.stack.slice('Error'.length)}`;
  }
}

// A getter on the prototype, not an own property set in the constructor: V8 reads `name` while
// the stack is captured inside super(), so only this way does the stack header say the subclass.
Object.defineProperty(MulticoreError.prototype, 'name', {
  configurable: true,
  get(this: Error) {
    return this.constructor.name;
  },
});
