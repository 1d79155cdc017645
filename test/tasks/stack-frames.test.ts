import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const program = fileURLToPath(new URL('./fixtures/failing-calls.mjs', import.meta.url));

// Under source maps, multicore's dist/ frames turn into src/ frames: neither may show.
const ownFolders = ['src/', 'dist/'].flatMap((folder) => [`${repo}${folder}`, pathToFileURL(`${repo}${folder}`).href]);

const runtimes: Record<string, string[]> = {
  'node --enable-source-maps': ['--enable-source-maps', program],
  tsx: ['--import', 'tsx', program],
  'tsx with --enable-source-maps': ['--enable-source-maps', '--import', 'tsx', program],
};

describe("task error stacks hold no frames of multicore's own, whatever maps the stack", () => {
  for (const [runtime, args] of Object.entries(runtimes)) {
    it(runtime, async () => {
      const { stdout } = await run(process.execPath, args, { cwd: repo, timeout: 60_000 });
      const stacks = JSON.parse(stdout) as string[];
      assert.equal(stacks.length, 4);
      for (const stack of stacks) {
        assert.match(stack, /ValidationError: bad email/);
        assert.match(stack, /fixtures\/tasks\.mjs/, 'the task frame stays');
        assert.match(stack, /failing-calls\.mjs/, 'the caller frame stays');
        const own = stack.split('\n').filter((line) => ownFolders.some((folder) => line.includes(folder)));
        assert.deepEqual(own, [], `no multicore frames in:\n${stack}`);
      }
    });
  }
});
