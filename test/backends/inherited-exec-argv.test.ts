/** Which of this process's Node options a worker inherits (backends/inherited-exec-argv.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inheritedExecArgv } from '../../src/backends/inherited-exec-argv.js';

describe('inheritedExecArgv', () => {
  it("leaves out the program's own source and its input type, in every spelling", () => {
    assert.deepEqual(inheritedExecArgv(['--input-type=module', '-e', 'code']), []);
    assert.deepEqual(inheritedExecArgv(['--input-type', 'module', '--eval', 'code']), []);
    assert.deepEqual(inheritedExecArgv(['-p', 'code']), []);
    assert.deepEqual(inheritedExecArgv(['-pe', 'code']), []);
    assert.deepEqual(inheritedExecArgv(['--eval=code', '--print=code']), []);
  });

  it('keeps loaders, heap limits and every other option, in order', () => {
    const options = ['--import', 'tsx', '--max-old-space-size=512', '--enable-source-maps'];
    assert.deepEqual(inheritedExecArgv([...options.slice(0, 2), '-e', 'code', ...options.slice(2)]), options);
    assert.deepEqual(inheritedExecArgv([]), []);
  });
});
