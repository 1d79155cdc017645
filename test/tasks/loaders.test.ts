import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const main = fileURLToPath(new URL('./fixtures/loader-main.ts', import.meta.url));
const tsxCli = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

// Every documented way to run TypeScript must reach the workers of both local backends.
const ways: Record<string, string[]> = {
  'node --import tsx': ['--import', 'tsx', main],
  'node --import tsx/esm': ['--import', 'tsx/esm', main],
  'the tsx command': [tsxCli, main],
};

describe('TypeScript loaders reach the workers', () => {
  for (const [way, args] of Object.entries(ways)) {
    it(way, async () => {
      const { stdout } = await run(process.execPath, args, { cwd: repo, timeout: 60_000 });
      assert.deepEqual(JSON.parse(stdout), { thread: [5], process: [5] });
    });
  }
});
