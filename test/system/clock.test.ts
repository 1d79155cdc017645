import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nowMs } from '../../src/system/clock.js';

const hrtimeMs = () => Number(process.hrtime.bigint()) / 1e6;

describe('nowMs', () => {
  it('reads as process.hrtime() does, before and after it moves to performance.now(), never going back', () => {
    let previous = -Infinity;
    // Past the switch (after 1,000 reads), by far.
    for (let i = 0; i < 5_000; i++) {
      const before = hrtimeMs();
      const now = nowMs();
      const after = hrtimeMs();
      // Bracketed by two hrtime reads, so a pause between them cannot fail it; 0.05 ms of slack
      // for the rounding of the two clocks' conversions.
      assert.ok(now >= before - 0.05 && now <= after + 0.05, `read ${i}: ${now} outside [${before}, ${after}]`);
      assert.ok(now >= previous, `read ${i} went back from ${previous} to ${now}`);
      previous = now;
    }
  });
});
