// Type tests of sysinfo(): checked by `npm run typecheck`, never executed.
import { expectTypeOf } from 'expect-type';
import { sysinfo, type MemoryInfo, type RuntimeInfo, type SysInfo } from 'multicore';

expectTypeOf(sysinfo()).toEqualTypeOf<SysInfo>();
// The real runtime, beside the Node version it reports.
expectTypeOf(sysinfo().runtime).toEqualTypeOf<RuntimeInfo>();
expectTypeOf<RuntimeInfo['name']>().toEqualTypeOf<'node' | 'bun' | 'deno'>();
expectTypeOf<RuntimeInfo['version']>().toEqualTypeOf<string>();
expectTypeOf(sysinfo().node).toEqualTypeOf<string>();
// Memory a runtime may not read (Deno without --allow-sys) is null.
expectTypeOf<MemoryInfo['total']>().toEqualTypeOf<number | null>();
expectTypeOf<MemoryInfo['available']>().toEqualTypeOf<number | null>();
// @ts-expect-error runtime names are a closed set
const other: RuntimeInfo['name'] = 'workerd';
void other;
