// Type tests of task() in CommonJS modules: checked by `npm run typecheck`, never executed.
import { expectTypeOf } from 'expect-type';
import { task, type NamedTask } from 'multicore';

declare const cjsModule: NodeJS.Module;
// `module` of a CommonJS file stands for import.meta; the function's type flows through.
expectTypeOf(task(cjsModule, (x: number) => `${x}`, { name: 'show' })).toEqualTypeOf<NamedTask<(x: number) => string>>();
expectTypeOf(task(import.meta, function twice(x: number) { return x * 2; })).toEqualTypeOf<NamedTask<(x: number) => number>>();
// @ts-expect-error a module must say where it is
task({}, function f() {});
