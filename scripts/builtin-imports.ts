/**
 * A step of scripts/bundle.ts: the bundle takes node's built-in modules from
 * `process.getBuiltinModule()` instead of `import ... from 'node:fs'`. An ES import of a built-in
 * makes Node 20 build that module's ES facade, which reads every export and so loads what the
 * built-in keeps lazy: `node:fs` its streams (20 internal modules), `node:util` parseArgs and
 * MIMEType. `process.getBuiltinModule()` (Node 20.16 and later, Bun, Deno) returns the module as
 * `require()` would, facade-less. tsc's per-file build keeps the imports as written.
 */

const builtinImport = /^import\s+(?!type\s)(?:([\w$]+)\s*,?\s*)?(?:\*\s+as\s+([\w$]+)\s*)?(?:\{([^}]*)\}\s*)?from\s+'(node:[\w/]+)';/gm;

/**
 * `source` (TypeScript) with each value import of a node: built-in turned into a read of
 * `process.getBuiltinModule()` (Node 20.16 and later, Bun, Deno), in as many lines, so that the
 * source maps still point at the right lines: `import path, { join as joinPath, type Stats } from
 * 'node:path'` becomes `const path = process.getBuiltinModule('node:path'); const { join: joinPath } = path;`
 * (with a name of its own when there is no default import). Type-only names are left out; an
 * import of nothing but types goes away, as TypeScript would drop it.
 */
export function builtinsFromProcess(source: string): string {
  let count = 0;
  return source.replace(builtinImport, (statement: string, defaultName?: string, namespaceName?: string, names?: string, specifier?: string) => {
    const values = (names ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '' && !name.startsWith('type '))
      .map((name) => name.replace(/\s+as\s+/, ': '));
    const moduleName = defaultName ?? namespaceName ?? `builtin$${count++}`;
    const lines: string[] = [];
    if (defaultName !== undefined || namespaceName !== undefined || values.length > 0) lines.push(`const ${moduleName} = process.getBuiltinModule(${JSON.stringify(specifier)});`);
    if (values.length > 0) lines.push(`const { ${values.join(', ')} } = ${moduleName};`);
    return lines.join(' ') + '\n'.repeat(statement.split('\n').length - 1);
  });
}

