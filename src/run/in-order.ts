/**
 * Releases job numbers 1, 2, 3... in order as they are reported done in any order: what -k
 * needs for output, and for the joblog (GNU parallel logs a job when it prints its output).
 */
export class InOrder {
  next = 1;
  private readonly done = new Set<number>();

  release(seq: number, emit: (seq: number) => void): void {
    this.done.add(seq);
    while (this.done.has(this.next)) {
      this.done.delete(this.next);
      emit(this.next++);
    }
  }
}
