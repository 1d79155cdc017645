/** A child's stderr on its way through the parent (backends/process/stderr-relay.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StderrRelay } from '../../src/backends/process/stderr-relay.js';

const report = '\n<--- Last few GCs --->\n\n[1:0x1]  800 ms: Mark-Compact 36.9 -> 29.7 MB\n\n<--- JS stacktrace --->\n\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb78db3 node::OOMErrorHandler\n';

function relay(chunks: string[], env: NodeJS.ProcessEnv = {}): { text: string; outOfMemory: boolean } {
  let text = '';
  const stderr = new StderrRelay((written) => (text += written), env);
  for (const chunk of chunks) stderr.push(chunk);
  stderr.end(42);
  return { text, outOfMemory: stderr.outOfMemory() };
}

describe('StderrRelay', () => {
  it('passes ordinary output through as it comes, partial lines included', () => {
    assert.deepEqual(relay(['hello\n', 'progress 50%']), { text: 'hello\nprogress 50%', outOfMemory: false });
  });

  it("replaces V8's out-of-memory report by one line, even split across chunks", () => {
    const cut = report.indexOf('Last few');
    const { text, outOfMemory } = relay(['task output\n', report.slice(0, cut), report.slice(cut, 90), report.slice(90)]);
    assert.equal(outOfMemory, true);
    assert.equal(text, "task output\nmulticore: a process worker (pid 42) ran out of memory; set MULTICORE_HEAP_REPORT=full to see V8's report.\n");
  });

  it('MULTICORE_HEAP_REPORT=full passes the report through', () => {
    const { text, outOfMemory } = relay([report], { MULTICORE_HEAP_REPORT: 'full' });
    assert.equal(text, report);
    assert.equal(outOfMemory, true);
  });
});
