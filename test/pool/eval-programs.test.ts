/**
 * Programs given on the command line (`node -e`, `node --input-type=module -e`): their workers
 * start, and a child process runs its entry file, not the program's source again. The workers
 * inherit Node's options minus the source (backends/inherited-exec-argv.ts).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { backends } from '../helpers.js';
import { unsupportedOn } from '../runtimes/support.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const commandLine = "it runs process.execPath with node's -e and --input-type, which this runtime's command line spells otherwise";
const onlyNode = unsupportedOn(
  { bun: commandLine, deno: commandLine },
  'a program given with node -e',
);

describe('a program given with node -e', { skip: onlyNode }, () => {
  for (const backend of backends) {
    it(`runs an ES module program's tasks on a ${backend} pool`, async () => {
      const program = `import { Pool } from 'multicore';
        console.log('program started');
        const pool = new Pool({ workers: 2, backend: '${backend}' });
        console.log(JSON.stringify(await pool.map((x) => x * 2, [1, 2, 3])));
        await pool.close();`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program], { cwd: root, timeout: 60_000 });
      assert.equal(stdout, 'program started\n[2,4,6]\n', 'the program ran once, and its workers answered');
    });

    it(`runs a CommonJS program's tasks on a ${backend} pool`, async () => {
      const program = `console.log('program started');
        import('multicore').then(async ({ Pool }) => {
          const pool = new Pool({ workers: 2, backend: '${backend}' });
          console.log(JSON.stringify(await pool.map((x) => x + 1, [1, 2])));
          await pool.close();
        });`;
      const { stdout } = await run(process.execPath, ['-e', program], { cwd: root, timeout: 60_000 });
      assert.equal(stdout, 'program started\n[2,3]\n');
    });
  }
});
