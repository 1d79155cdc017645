/**
 * Which names a function's source uses without declaring them, over acorn's ESTree AST. Ours
 * rather than a scope library's, because the libraries pull in four more packages for what is
 * two walks: one records the declarations of every scope (with `var` hoisted to its function's
 * body, which is a scope inside the parameters' one), the other resolves each identifier that is
 * read or written against them. Along the way it lists the places that depend on the module the
 * source came from: `import(...)` calls and `import.meta`. The source is analysed as strict code.
 * test/tasks/scope-differential.test.ts checks it against periscopic, the library it replaced.
 */

/** An ESTree node, as far as the walks need to know it. */
export interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

export interface ScopeReport {
  /** Names used but never declared in the source, in order of first use. */
  free: string[];
  /** Whether `this` is read outside every function and class of the source (in an arrow). */
  outerThis: boolean;
  /** `import(...)` expressions: where `import` starts and where its specifier starts. */
  dynamicImports: { start: number; sourceStart: number }[];
  /** `import.meta` occurrences. */
  importMetas: { start: number; end: number }[];
}

interface Scope {
  parent: Scope | undefined;
  names: Set<string>;
  /** Functions (not arrows), class bodies and static blocks have a `this` of their own. */
  bindsThis: boolean;
  /** Function scopes receive `var` declarations from the blocks inside them. */
  isFunction: boolean;
}

const functionTypes = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
}

function children(node: AstNode): AstNode[] {
  const found: AstNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) found.push(item);
    } else if (isNode(value)) found.push(value);
  }
  return found;
}

function newScope(parent: Scope | undefined, isFunction: boolean, bindsThis = false): Scope {
  return { parent, names: new Set(), isFunction, bindsThis };
}

function functionScopeOf(scope: Scope): Scope {
  let current = scope;
  while (!current.isFunction && current.parent !== undefined) current = current.parent;
  return current;
}

/** The names a pattern (`a`, `{ a, b: [c] }`, `...rest`, `x = 1`) declares. */
function patternNames(pattern: AstNode | null | undefined, into: string[] = []): string[] {
  if (pattern === null || pattern === undefined) return into;
  switch (pattern.type) {
    case 'Identifier':
      into.push(pattern.name as string);
      break;
    case 'ObjectPattern':
      for (const property of pattern.properties as AstNode[]) {
        patternNames(property.type === 'RestElement' ? property : (property.value as AstNode), into);
      }
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements as (AstNode | null)[]) patternNames(element, into);
      break;
    case 'RestElement':
      patternNames(pattern.argument as AstNode, into);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left as AstNode, into);
      break;
    default:
      break; // a MemberExpression target declares nothing
  }
  return into;
}

/** First walk: a scope for every node that opens one, holding what it declares. */
function declareScopes(root: AstNode): WeakMap<AstNode, Scope> {
  const scopes = new WeakMap<AstNode, Scope>();
  const visit = (node: AstNode, scope: Scope): void => {
    let inner = scope;
    if (functionTypes.has(node.type)) {
      if (node.type === 'FunctionDeclaration' && node.id !== null) scope.names.add((node.id as AstNode).name as string);
      inner = newScope(scope, true, node.type !== 'ArrowFunctionExpression');
      if (node.type === 'FunctionExpression' && node.id !== null) inner.names.add((node.id as AstNode).name as string);
      // Every non-arrow function binds its own `arguments`; an arrow sees its enclosing one's,
      // so only an arrow outside every function of the source uses one from outside.
      if (node.type !== 'ArrowFunctionExpression') inner.names.add('arguments');
      for (const param of node.params as AstNode[]) for (const name of patternNames(param)) inner.names.add(name);
      scopes.set(node, inner);
      // The body is a scope of its own inside the parameters' one: defaults cannot see what the
      // body declares (`(a = b) => { var b; }` reads an outer `b`).
      if (isNode(node.body) && node.body.type === 'BlockStatement') scopes.set(node.body, newScope(inner, true));
    } else if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') {
      if (node.type === 'ClassDeclaration' && node.id !== null) scope.names.add((node.id as AstNode).name as string);
      inner = newScope(scope, false, true);
      if (node.id !== null && node.id !== undefined) inner.names.add((node.id as AstNode).name as string);
      scopes.set(node, inner);
    } else if (node.type === 'StaticBlock') {
      inner = newScope(scope, true, true);
      scopes.set(node, inner);
    } else if (node.type === 'CatchClause') {
      inner = newScope(scope, false);
      // The block gets a scope of its own: the parameter's defaults cannot see its let and const.
      for (const name of patternNames(node.param as AstNode | null)) inner.names.add(name);
      scopes.set(node, inner);
    } else if (
      (node.type === 'BlockStatement' && !scopes.has(node)) ||
      node.type === 'ForStatement' ||
      node.type === 'ForInStatement' ||
      node.type === 'ForOfStatement' ||
      node.type === 'SwitchStatement'
    ) {
      inner = newScope(scope, false);
      scopes.set(node, inner);
    } else if (node.type === 'BlockStatement') {
      inner = scopes.get(node)!;
    } else if (node.type === 'VariableDeclaration') {
      const target = node.kind === 'var' ? functionScopeOf(scope) : scope;
      for (const declarator of node.declarations as AstNode[]) for (const name of patternNames(declarator.id as AstNode)) target.names.add(name);
    }
    // A switch's block holds its cases only: `switch (x) { case 0: let x; }` reads an outer x.
    for (const child of children(node)) visit(child, child === node.discriminant ? scope : inner);
  };
  const top = newScope(undefined, true);
  scopes.set(root, top);
  visit(root, top);
  return scopes;
}

function hasOwnThis(scope: Scope | undefined): boolean {
  for (let current = scope; current !== undefined; current = current.parent) if (current.bindsThis) return true;
  return false;
}

function isDeclared(scope: Scope | undefined, name: string): boolean {
  for (let current = scope; current !== undefined; current = current.parent) if (current.names.has(name)) return true;
  return false;
}

/** Parses nothing itself: give it the Program node of a parsed function expression. */
export function analyzeScopes(program: AstNode): ScopeReport {
  const scopes = declareScopes(program);
  const free: string[] = [];
  const report: ScopeReport = { free, outerThis: false, dynamicImports: [], importMetas: [] };
  const reference = (name: string, scope: Scope): void => {
    if (!isDeclared(scope, name) && !free.includes(name)) free.push(name);
  };

  /** A binding target: declared names are skipped, assigned names are references. */
  const target = (pattern: AstNode | null | undefined, scope: Scope, declaring: boolean): void => {
    if (pattern === null || pattern === undefined) return;
    switch (pattern.type) {
      case 'Identifier':
        if (!declaring) reference(pattern.name as string, scope);
        return;
      case 'ObjectPattern':
        for (const property of pattern.properties as AstNode[]) {
          if (property.type === 'RestElement') {
            target(property, scope, declaring);
            continue;
          }
          if (property.computed === true) expression(property.key as AstNode, scope);
          target(property.value as AstNode, scope, declaring);
        }
        return;
      case 'ArrayPattern':
        for (const element of pattern.elements as (AstNode | null)[]) target(element, scope, declaring);
        return;
      case 'RestElement':
        target(pattern.argument as AstNode, scope, declaring);
        return;
      case 'AssignmentPattern':
        target(pattern.left as AstNode, scope, declaring);
        expression(pattern.right as AstNode, scope);
        return;
      default:
        expression(pattern, scope); // obj.x = ... in an assignment pattern
    }
  };

  const expression = (node: AstNode, outer: Scope): void => {
    const scope = scopes.get(node) ?? outer;
    switch (node.type) {
      case 'Identifier':
        reference(node.name as string, scope);
        return;
      case 'MemberExpression':
        expression(node.object as AstNode, scope);
        if (node.computed === true) expression(node.property as AstNode, scope);
        return;
      case 'Property':
      case 'MethodDefinition':
      case 'PropertyDefinition':
        if (node.computed === true) expression(node.key as AstNode, scope);
        if (isNode(node.value)) expression(node.value, scope);
        return;
      case 'LabeledStatement':
        expression(node.body as AstNode, scope);
        return;
      case 'ThisExpression':
        if (!hasOwnThis(scope)) report.outerThis = true;
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'PrivateIdentifier':
        return;
      case 'MetaProperty':
        if ((node.meta as AstNode).name === 'import') report.importMetas.push({ start: node.start, end: node.end });
        return;
      case 'ImportExpression':
        report.dynamicImports.push({ start: node.start, sourceStart: (node.source as AstNode).start });
        for (const child of children(node)) expression(child, scope);
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        for (const param of node.params as AstNode[]) target(param, scope, true);
        expression(node.body as AstNode, scope);
        return;
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (isNode(node.superClass)) expression(node.superClass, scope);
        expression(node.body as AstNode, scope);
        return;
      case 'VariableDeclarator':
        target(node.id as AstNode, scope, true);
        if (isNode(node.init)) expression(node.init, scope);
        return;
      case 'CatchClause':
        target(node.param as AstNode | null, scope, true);
        expression(node.body as AstNode, scope);
        return;
      case 'AssignmentExpression':
        target(node.left as AstNode, scope, false);
        expression(node.right as AstNode, scope);
        return;
      case 'SwitchStatement':
        expression(node.discriminant as AstNode, outer);
        for (const switchCase of node.cases as AstNode[]) expression(switchCase, scope);
        return;
      case 'ForInStatement':
      case 'ForOfStatement': {
        const left = node.left as AstNode;
        if (left.type === 'VariableDeclaration') expression(left, scope);
        else target(left, scope, false);
        expression(node.right as AstNode, scope);
        expression(node.body as AstNode, scope);
        return;
      }
      default:
        for (const child of children(node)) expression(child, scope);
    }
  };

  expression(program, scopes.get(program)!);
  return report;
}
