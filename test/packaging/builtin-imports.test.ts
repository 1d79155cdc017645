/**
 * The bundle's rewrite of built-in imports into process.getBuiltinModule() (scripts/builtin-imports.ts):
 * the same bindings, type-only names dropped, other imports untouched, and the line count kept
 * so that the source maps stay right.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinsFromProcess } from '../../scripts/builtin-imports.js';

describe('builtinsFromProcess', () => {
  it('turns named, renamed, default and namespace imports into reads of process.getBuiltinModule', () => {
    assert.equal(builtinsFromProcess("import { readFileSync, statSync as stat } from 'node:fs';\n"), "const builtin$0 = process.getBuiltinModule(\"node:fs\"); const { readFileSync, statSync: stat } = builtin$0;\n");
    assert.equal(builtinsFromProcess("import path from 'node:path';\n"), 'const path = process.getBuiltinModule("node:path");\n');
    assert.equal(builtinsFromProcess("import os, { cpus } from 'node:os';\n"), 'const os = process.getBuiltinModule("node:os"); const { cpus } = os;\n');
    assert.equal(builtinsFromProcess("import * as url from 'node:url';\n"), 'const url = process.getBuiltinModule("node:url");\n');
    assert.equal(builtinsFromProcess("import { setTimeout as delay } from 'node:timers/promises';\n"), 'const builtin$0 = process.getBuiltinModule("node:timers/promises"); const { setTimeout: delay } = builtin$0;\n');
  });

  it('gives each import of a file a module name of its own', () => {
    const rewritten = builtinsFromProcess("import { a } from 'node:fs';\nimport { b } from 'node:util';\n");
    assert.match(rewritten, /const builtin\$0 = process\.getBuiltinModule\("node:fs"\); const \{ a \} = builtin\$0;\nconst builtin\$1 = process\.getBuiltinModule\("node:util"\); const \{ b \} = builtin\$1;\n/);
  });

  it('drops type-only names, and an import of types only', () => {
    assert.equal(builtinsFromProcess("import { Worker, type WorkerOptions } from 'node:worker_threads';\n"), 'const builtin$0 = process.getBuiltinModule("node:worker_threads"); const { Worker } = builtin$0;\n');
    assert.equal(builtinsFromProcess("import { type Stats } from 'node:fs';\nconst x = 1;\n"), '\nconst x = 1;\n');
    assert.equal(builtinsFromProcess("import type { Stats } from 'node:fs';\n"), "import type { Stats } from 'node:fs';\n");
  });

  it('keeps the line count of an import written over several lines', () => {
    const source = "import {\n  readFileSync,\n  writeFileSync,\n} from 'node:fs';\nexport const line5 = 5;\n";
    const rewritten = builtinsFromProcess(source);
    assert.equal(rewritten.split('\n').length, source.split('\n').length);
    assert.equal(rewritten.split('\n')[4], 'export const line5 = 5;');
    assert.match(rewritten, /const \{ readFileSync, writeFileSync \} = builtin\$0;/);
  });

  it('leaves imports of other modules, and dynamic imports of built-ins, as they are', () => {
    const source = "import { parse } from 'acorn';\nimport { x } from './x.js';\nconst crypto = await import('node:crypto');\n";
    assert.equal(builtinsFromProcess(source), source);
  });
});
