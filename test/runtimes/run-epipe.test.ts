import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliPath } from '../helpers.js';
import { otherRuntimes, runtimeBinary } from './runtimes.js';

/** Runs a bash line in a process group of its own, killed whole after `limitMs`: a hang fails the test and leaves nothing. */
function bash(script: string, limitMs: number): Promise<{ stdout: string; stderr: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      killed = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, limitMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ stdout, stderr, killed });
    });
  });
}

// Bun emits EPIPE on a stdout whose reader left, but never 'close' or 'drain' after it, and its
// writes go on returning false: `multicore run` waited for the drain for ever.
for (const runtime of otherRuntimes) {
  test(`${runtime}: multicore run whose stdout reader leaves early (| head -1) ends with 141`, async () => {
    const command = runtime === 'bun' ? `"${runtimeBinary('bun')}" "${cliPath}"` : `"${runtimeBinary('deno')}" run -A "${cliPath}"`;
    for (const args of ['-j1 echo', '--pipe --block 10 -k cat']) {
      const result = await bash(`seq 1 2000 | PARALLEL_SHELL=/bin/sh ${command} run ${args} | head -1; echo "\${PIPESTATUS[1]}"`, 60_000);
      assert.equal(result.killed, false, `${args}: still running after 60 s`);
      assert.equal(result.stdout, '1\n141\n', `${args}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /EPIPE|Error/);
    }
  });
}
