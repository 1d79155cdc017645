import { Pool } from 'multicore';
const pool = new Pool(2);
const ref = { module: new URL('file:///work/main/bench/pool/tasks.mjs'), name: 'noop' };
const n = 100_000;
for (let r = 0; r < 6; r++) {
  const t = performance.now();
  const ps = new Array(n);
  for (let i = 0; i < n; i++) ps[i] = pool.apply(ref, [i]);
  await Promise.all(ps);
  const ms = performance.now() - t;
  console.log(`round ${r}: ${(n / ms * 1000 / 1000).toFixed(0)}k calls/s`);
}
await pool.terminate();
