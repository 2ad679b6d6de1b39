/**
 * Which names a function's source uses without declaring them: the variables
 * it would capture from its surroundings. A pool worker receives only the
 * source text, so each such name (that is not a global of the worker) would be
 * a ReferenceError there, possibly only on a rarely taken branch. Finding them
 * up front turns that into one clear error at submission.
 *
 * The source is parsed with TypeScript's parser (loaded on first use: it is
 * large, and a plain script that never ships a function should not pay for it)
 * and resolved with the language's scoping rules: parameters and `arguments`,
 * var hoisting to the function, let/const/class/function per block, catch
 * bindings, for-loop heads, named function and class expressions.
 */
import { createRequire } from "node:module";
import type TypeScript from "typescript";

type TS = typeof TypeScript;

let typescript: TS | undefined;
function loadTypeScript(): TS {
  typescript ??= createRequire(import.meta.url)("typescript") as TS;
  return typescript;
}

/** A free name; `property` is set when the source only reads `name.property` (tslab writes an earlier cell's `k` as `exports.k`). */
export interface FreeName {
  name: string;
  property?: string;
}

/** The function as the parser saw it: an expression (function, arrow) or an object-literal method (`m(x) { ... }`). */
export type FunctionShape = "expression" | "method";

export interface FunctionAnalysis {
  shape: FunctionShape;
  /** In order of first use, each name once (a name read as `name.a` and `name.b` appears twice, once per property). */
  free: FreeName[];
}

class Scope {
  readonly names = new Set<string>();
  constructor(readonly parent: Scope | undefined) {}
  has(name: string): boolean {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) if (scope.names.has(name)) return true;
    return false;
  }
}

function parse(ts: TS, text: string): TypeScript.SourceFile | undefined {
  const file = ts.createSourceFile("shipped.js", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const diagnostics = (file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? [];
  return diagnostics.length === 0 ? file : undefined;
}

/** The function node of `(source)` or `({ source })`, or undefined if the source is no single function. */
function functionNode(ts: TS, source: string): { node: TypeScript.Node; shape: FunctionShape } | undefined {
  const asExpression = parse(ts, `(${source}\n)`);
  const statement = asExpression?.statements.length === 1 ? asExpression.statements[0] : undefined;
  if (statement && ts.isExpressionStatement(statement)) {
    let expression = statement.expression;
    while (ts.isParenthesizedExpression(expression)) expression = expression.expression;
    if (ts.isFunctionExpression(expression) || ts.isArrowFunction(expression)) return { node: expression, shape: "expression" };
    return undefined;
  }
  const asMethod = parse(ts, `({${source}\n})`);
  const methodStatement = asMethod?.statements.length === 1 ? asMethod.statements[0] : undefined;
  if (methodStatement && ts.isExpressionStatement(methodStatement)) {
    let expression = methodStatement.expression;
    while (ts.isParenthesizedExpression(expression)) expression = expression.expression;
    if (ts.isObjectLiteralExpression(expression) && expression.properties.length === 1) {
      const method = expression.properties[0]!;
      if (ts.isMethodDeclaration(method)) return { node: method, shape: "method" };
    }
  }
  return undefined;
}

/**
 * Analyses one function's source. Returns undefined when the text is not a
 * single function (a class, native code, a syntax error).
 */
export function analyseFunction(source: string): FunctionAnalysis | undefined {
  const ts = loadTypeScript();
  const found = functionNode(ts, source);
  if (!found) return undefined;
  const free: FreeName[] = [];
  const seen = new Set<string>();
  const noteFree = (identifier: TypeScript.Identifier) => {
    const name = identifier.text;
    const parent = identifier.parent;
    const property =
      ts.isPropertyAccessExpression(parent) && parent.expression === identifier && ts.isIdentifier(parent.name) ? parent.name.text : undefined;
    const key = property === undefined ? name : `${name}.${property}`;
    if (seen.has(key)) return;
    seen.add(key);
    free.push(property === undefined ? { name } : { name, property });
  };

  const declareBinding = (name: TypeScript.BindingName, scope: Scope): void => {
    if (ts.isIdentifier(name)) {
      scope.names.add(name.text);
      return;
    }
    for (const element of name.elements) {
      if (ts.isBindingElement(element)) declareBinding(element.name, scope);
    }
  };

  const isLexical = (list: TypeScript.VariableDeclarationList) => (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using)) !== 0;

  /** Declarations that belong to a block: let, const, class and (in strict code) function declarations. */
  const declareLexical = (statements: readonly TypeScript.Statement[], scope: Scope): void => {
    for (const statement of statements) {
      if (ts.isVariableStatement(statement) && isLexical(statement.declarationList)) {
        for (const declaration of statement.declarationList.declarations) declareBinding(declaration.name, scope);
      } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
        scope.names.add(statement.name.text);
      }
    }
  };

  /** `var` declarations anywhere in a function body (not in nested functions) belong to the function. */
  const hoistVars = (node: TypeScript.Node, scope: Scope): void => {
    if (ts.isVariableDeclarationList(node) && !isLexical(node)) {
      for (const declaration of node.declarations) declareBinding(declaration.name, scope);
    }
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    ts.forEachChild(node, (child) => hoistVars(child, scope));
  };

  const isReference = (identifier: TypeScript.Identifier): boolean => {
    const parent = identifier.parent;
    if (ts.isPropertyAccessExpression(parent)) return parent.expression === identifier;
    if (ts.isQualifiedName(parent)) return parent.left === identifier;
    if (
      ts.isPropertyAssignment(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isGetAccessorDeclaration(parent) ||
      ts.isSetAccessorDeclaration(parent)
    ) {
      return parent.name !== identifier;
    }
    if (ts.isBindingElement(parent)) return parent.name !== identifier && parent.propertyName !== identifier;
    if (
      ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isClassExpression(parent)
    ) {
      return parent.name !== identifier;
    }
    if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return parent.label !== identifier;
    if (ts.isMetaProperty(parent)) return false;
    return true;
  };

  const visitFunction = (node: TypeScript.SignatureDeclaration, outer: Scope): void => {
    // Computed method names and decorators are evaluated in the outer scope.
    if (node.name && ts.isComputedPropertyName(node.name)) visit(node.name.expression, outer);
    const scope = new Scope(outer);
    if (ts.isFunctionExpression(node) && node.name) scope.names.add(node.name.text);
    if (!ts.isArrowFunction(node)) scope.names.add("arguments");
    for (const parameter of node.parameters) declareBinding(parameter.name, scope);
    for (const parameter of node.parameters) {
      if (!ts.isIdentifier(parameter.name)) visit(parameter.name, scope);
      if (parameter.initializer) visit(parameter.initializer, scope);
    }
    const body = (node as { body?: TypeScript.Node }).body;
    if (!body) return;
    if (ts.isBlock(body)) {
      hoistVars(body, scope);
      declareLexical(body.statements, scope);
      for (const statement of body.statements) visit(statement, scope);
    } else {
      visit(body, scope);
    }
  };

  const visit = (node: TypeScript.Node, scope: Scope): void => {
    if (ts.isIdentifier(node)) {
      if (isReference(node) && !scope.has(node.text)) noteFree(node);
      return;
    }
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)
    ) {
      visitFunction(node, scope);
      return;
    }
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      const classScope = new Scope(scope);
      if (node.name) classScope.names.add(node.name.text);
      for (const clause of node.heritageClauses ?? []) visit(clause, classScope);
      for (const member of node.members) visit(member, classScope);
      return;
    }
    if (ts.isClassStaticBlockDeclaration(node)) {
      const blockScope = new Scope(scope);
      hoistVars(node.body, blockScope);
      declareLexical(node.body.statements, blockScope);
      for (const statement of node.body.statements) visit(statement, blockScope);
      return;
    }
    if (ts.isBlock(node)) {
      const blockScope = new Scope(scope);
      declareLexical(node.statements, blockScope);
      for (const statement of node.statements) visit(statement, blockScope);
      return;
    }
    if (ts.isCaseBlock(node)) {
      const blockScope = new Scope(scope);
      for (const clause of node.clauses) declareLexical(clause.statements, blockScope);
      ts.forEachChild(node, (child) => visit(child, blockScope));
      return;
    }
    if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) {
      const initializer = node.initializer;
      if (initializer && ts.isVariableDeclarationList(initializer) && isLexical(initializer)) {
        const loopScope = new Scope(scope);
        for (const declaration of initializer.declarations) declareBinding(declaration.name, loopScope);
        ts.forEachChild(node, (child) => visit(child, loopScope));
        return;
      }
    }
    if (ts.isCatchClause(node)) {
      const catchScope = new Scope(scope);
      if (node.variableDeclaration) declareBinding(node.variableDeclaration.name, catchScope);
      ts.forEachChild(node, (child) => visit(child, catchScope));
      return;
    }
    if (ts.isShorthandPropertyAssignment(node)) {
      // `{ k }` reads k; its name node is both the key and the reference.
      if (!scope.has(node.name.text)) noteFree(node.name);
      if (node.objectAssignmentInitializer) visit(node.objectAssignmentInitializer, scope);
      return;
    }
    ts.forEachChild(node, (child) => visit(child, scope));
  };

  const top = new Scope(undefined);
  if (found.shape === "method") visitFunction(found.node as TypeScript.MethodDeclaration, top);
  else visit(found.node, top);
  return { shape: found.shape, free };
}
