// Type tests of the tools' public API: they fail at `npm run typecheck`, and run as plain tests.
import { test } from 'node:test';
import { expectTypeOf } from 'expect-type';
import type { ScalingReport, TimeitResult } from '../../dist/index.js';
import { scaling, timeit } from '../../dist/index.js';

test('scaling() ties the task parameter to the inputs and resolves to a ScalingReport', () => {
  const double = (x: number) => x * 2;
  expectTypeOf(scaling(double, [1, 2])).toEqualTypeOf<Promise<ScalingReport>>();
  expectTypeOf(scaling<string>).parameter(0).toMatchTypeOf<((item: string) => unknown) | { module: string | URL; name: string }>();
  // @ts-expect-error strings are not numbers
  void (() => scaling(double, ['a']));
  // @ts-expect-error backend names come from PoolOptions
  void (() => scaling(double, [1], { backend: 'fibers' }));
  expectTypeOf<ScalingReport['points'][number]['karpFlatt']>().toEqualTypeOf<number | null>();
  expectTypeOf<NonNullable<ScalingReport['amdahl']>['ceiling']>().toEqualTypeOf<number | null>();
});

test('timeit() passes what setup returns to fn', () => {
  expectTypeOf(timeit((state: { n: number }) => state.n, { setup: () => ({ n: 1 }) })).toEqualTypeOf<Promise<TimeitResult>>();
  // @ts-expect-error setup returns a string, fn wants a number
  void (() => timeit((n: number) => n, { setup: () => 'x' }));
});
