// messages-safe.test.ts — no error message in lib/ is built from a user's raw value in a way that
// can throw while it is built (bench/RELIABILITY.md, items 15–18).
//
// `String([Symbol()])`, `` `${Symbol()}` ``, `JSON.stringify(10n)`, `[Symbol()].join()` and the
// String() of an object whose toString throws all throw JavaScript's TypeError; in the message of a
// `throw new ValueError(…)` about that very value, the TypeError replaces the typed error. The API
// fuzzer found such sites one at a time; this test reads lib/**/*.ts with the TypeScript compiler
// API (its type checker) and fails on every one, with its file, line and why.
//
// What it checks: every value interpolated into the arguments of a `new …Error(…)` — a template
// literal's `${…}`, `String(…)`, `JSON.stringify(…)`, the array of `….join(…)`, an operand of a
// string `+` — and, followed from there, messages built before the throw (a local, or the argument
// a helper's callers pass for its message parameter). Such a value must be safe, which is one of:
//   - a literal, or the result of a call that returns a string (`describeArg(v)`, `fmt(shape)`:
//     the describers), or of the code's own arithmetic;
//   - a value whose type (by the checker) cannot throw there — number, boolean, string, a
//     string-literal union such as DType, null, undefined, arrays of those; a BigInt except in
//     JSON.stringify; plain data objects of those in JSON.stringify — AND that the code made or
//     checked, not a user's value as it came in. A user's value is a parameter of the public API
//     (what lib/index.ts exports: functions, classes' public methods and constructors, setters),
//     an option of a `signature` whose check is `anyValue` (taken as is), an element or property
//     of one, or a copy of one (`slice`, `Array.from`, …); its declared type is only a promise that
//     a JavaScript caller does not keep. A parameter of a lib-internal function is what its callers
//     pass (each call site is followed).
//   - a user's value that the code checked before this use: `if (typeof v !== 'number' || …) throw`,
//     `if (!Number.isInteger(v)) throw`, `if (!MODES.includes(v)) throw`, `v !== 'a' && v !== 'b'`,
//     `checkX(v, op);` (a function taking `unknown` that returns a primitive), the branch of
//     `typeof v === 'string' ? v : …` or of `v === null || v === undefined`;
//   - data read with JSON.parse (a file's header, a config.json): it holds no Symbol, BigInt or
//     function, so nothing can throw on it; the length of an array or a string; an element of a
//     typed array; a property of a class instance (`x.shape`, `this.numLayers`: the class's state).
// KNOWN lists the sites left (with their reason); it may only shrink: an entry that no longer
// occurs fails the test too. The second test runs the same check on a small program with one line
// of each unsafe form, so the check itself can fail.
import * as path from 'path';
import * as ts from 'typescript';
import { describeArg } from '../lib/arity';

const ROOT = path.resolve(__dirname, '..');

/**
 * Sites left as they are, as `file: form(expression)` (their lines move), each with its reason.
 * Fix one by printing the value with describeArg (lib/arity.ts) and remove its entry.
 */
const KNOWN: Record<string, string> = {};

/** One unsafe interpolation: where, the form and the expression, and why its value may throw. */
export interface Finding { file: string; line: number; form: string; expr: string; why: string }

type Fn = ts.SignatureDeclaration & { body?: ts.Node };

/** Every unsafe interpolation in the error messages of the files under `libDir` (the public API: `indexFile`'s exports). */
export function unsafeInterpolations(program: ts.Program, libDir: string, indexFile: string): Finding[] {
  const checker = program.getTypeChecker();
  const inLib = (f: string) => f.startsWith(libDir + path.sep) || f.startsWith(libDir + '/');
  const files = program.getSourceFiles().filter((f) => inLib(f.fileName));
  const isLib = (d: ts.Node | undefined): d is ts.Node => !!d && inLib(d.getSourceFile().fileName);
  const strip = (e: ts.Expression): ts.Expression => {
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    return e;
  };
  const lineOf = (n: ts.Node) => n.getSourceFile().getLineAndCharacterOfPosition(n.getStart()).line + 1;
  const where = (n: ts.Node) => `${path.relative(path.dirname(libDir), n.getSourceFile().fileName)}:${lineOf(n)}`;
  const declOf = (n: ts.Node): ts.Declaration | undefined => {
    let s = checker.getSymbolAtLocation(n);
    if (s && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
    return s?.declarations?.[0];
  };
  /** The implementation (the declaration with a body) of a function, method or constructor. */
  const impl = (d: ts.Declaration | undefined): Fn | undefined => {
    if (!d || !ts.isFunctionLike(d)) return undefined;
    if ((d as Fn).body) return d as Fn;
    const sym = d.name ? checker.getSymbolAtLocation(d.name) : ts.isConstructorDeclaration(d) ? (d.parent as unknown as { symbol?: ts.Symbol }).symbol : undefined;
    return (sym?.declarations?.find((x) => ts.isFunctionLike(x) && (x as Fn).body) as Fn | undefined) ?? (d as Fn);
  };
  const fnOfDecl = (d: ts.Declaration | undefined): Fn | undefined => {
    if (!d) return undefined;
    if (ts.isClassDeclaration(d)) return impl(d.members.find(ts.isConstructorDeclaration));
    if (ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) return impl(d);
    if ((ts.isVariableDeclaration(d) || ts.isPropertyDeclaration(d)) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) return d.initializer;
    return undefined;
  };

  // ---- who calls each function, and which functions escape (are used as values: unknown callers)
  const calls = new Map<Fn, (ts.CallExpression | ts.NewExpression)[]>();
  const escapes = new Set<Fn>();
  const isInside = (n: ts.Node, f: ts.Node) => { for (let p = n.parent; p; p = p.parent) if (p === f) return true; return false; };
  const isTypePosition = (n: ts.Node) => {
    for (let p = n.parent; p; p = p.parent) {
      if (ts.isTypeNode(p) && !ts.isExpressionWithTypeArguments(p)) return true;
      if (ts.isStatement(p) || (ts.isExpression(p) && !ts.isIdentifier(p))) return false;
    }
    return false;
  };
  for (const sf of files) {
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
        const d = checker.getResolvedSignature(n)?.getDeclaration();
        const f = fnOfDecl(d as ts.Declaration) ?? impl(d as ts.Declaration);
        if (f) calls.set(f, [...(calls.get(f) ?? []), n]);
      }
      if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) {
        const f = fnOfDecl(declOf(n));
        if (f) {
          let p = n.parent, callee: ts.Node = n;
          if (ts.isPropertyAccessExpression(p) && p.name === n) { callee = p; p = p.parent; }
          const named = (x: ts.Node | undefined) => (x as { name?: ts.Node } | undefined)?.name === n;
          const notAUse = named(f) || named(f.parent) || ts.isImportSpecifier(n.parent) || ts.isExportSpecifier(n.parent)
            || ts.isImportClause(n.parent) || ts.isNamespaceImport(n.parent) || ts.isHeritageClause(n.parent.parent) || isTypePosition(n)
            || (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword && p.right === callee)
            || ts.isMethodDeclaration(n.parent) || ts.isPropertyDeclaration(n.parent);
          const called = (ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression === callee;
          // a function handing itself on (runFloat32(op, arguments)) adds no caller
          if (!called && !notAUse && !isInside(n, f)) escapes.add(f);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }

  // ---- the public API: lib/index.ts's exports, through namespaces, objects and classes' public members
  const publicFns = new Set<ts.Node>();
  const hidden = (d: ts.Declaration) => !!(ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))
    || (ts.getNameOfDeclaration(d) !== undefined && ts.isPrivateIdentifier(ts.getNameOfDeclaration(d)!))
    || ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal');
  const seenTypes = new Set<ts.Type>();
  const walkType = (type: ts.Type, depth: number): void => {
    if (depth > 8 || seenTypes.has(type)) return;
    seenTypes.add(type);
    for (const sig of type.getCallSignatures()) { const d = impl(sig.getDeclaration() as ts.Declaration); if (isLib(d)) publicFns.add(d); }
    for (const sig of type.getConstructSignatures()) {
      const d = impl(sig.getDeclaration() as ts.Declaration);
      if (isLib(d) && !hidden(d)) publicFns.add(d);
      walkType(sig.getReturnType(), depth + 1);
    }
    for (const prop of type.getProperties()) {
      const decls = prop.declarations ?? [];
      if (decls.length && decls.every((d) => !isLib(d) || hidden(d))) continue;
      for (const d of decls) if (isLib(d) && (ts.isSetAccessor(d) || ts.isMethodDeclaration(d) || ts.isGetAccessor(d))) publicFns.add(impl(d)!);
      walkType(checker.getTypeOfSymbol(prop), depth + 1);
    }
  };
  const indexSf = program.getSourceFile(indexFile);
  if (!indexSf) throw new Error(`messages-safe: ${indexFile} is not in the program`);
  walkType(checker.getTypeOfSymbol(checker.getSymbolAtLocation(indexSf)!), 0);
  /** public: its parameters are the user's; internal: its callers (in lib) say; callback: called by lib with what its types say. */
  const fnKind = (f: ts.Node): 'public' | 'internal' | 'callback' => {
    if (publicFns.has(f)) return 'public';
    const named = ts.isFunctionDeclaration(f) || ts.isMethodDeclaration(f) || ts.isConstructorDeclaration(f)
      || ((ts.isVariableDeclaration(f.parent) || ts.isPropertyDeclaration(f.parent)) && f.parent.initializer === f);
    return !named || escapes.has(f as Fn) ? 'callback' : 'internal';
  };

  // ---- types whose values no interpolation throws on
  const SAFE = ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.StringLike | ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.EnumLike;
  const safeType = (t: ts.Type, json: boolean, depth = 0): boolean => {
    if (depth > 4) return false;
    if (t.isUnion()) return t.types.every((u) => safeType(u, json, depth + 1));
    if (t.isIntersection()) return t.types.some((u) => !!(u.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike)));  // keyof S & string
    if (t.flags & ts.TypeFlags.BigIntLike) return !json;  // JSON.stringify(10n) throws
    if (t.flags & SAFE) return true;
    if (checker.isArrayType(t) || checker.isTupleType(t)) return checker.getTypeArguments(t as ts.TypeReference).every((u) => safeType(u, json, depth + 1));
    // JSON.stringify of plain data: an object type (no class, no function, not `{}`) of safe values
    if (json && t.flags & ts.TypeFlags.Object && !t.isClass() && !t.getCallSignatures().length && !((t.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class)) {
      const idx = t.getStringIndexType();
      if (!idx && t.getProperties().length === 0) return false;
      return (!idx || safeType(idx, json, depth + 1)) && t.getProperties().every((p) => safeType(checker.getTypeOfSymbol(p), json, depth + 1));
    }
    return false;
  };
  const primitive = (t: ts.Type): boolean => (t.isUnion() ? t.types.every(primitive)
    : !!(t.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.StringLike | ts.TypeFlags.Undefined | ts.TypeFlags.Null)));

  // ---- checks the code made before a use
  /** Is `call` a check of `name`: a function taking it as `unknown` that returns a primitive or asserts its type? */
  const checksArg = (call: ts.Expression, name: string): boolean => {
    if (ts.isAwaitExpression(call)) call = strip(call.expression);
    if (!ts.isCallExpression(call)) return false;
    const i = call.arguments.findIndex((a) => strip(a).getText() === name);
    const sig = i >= 0 ? checker.getResolvedSignature(call) : undefined;
    const decl = sig?.getDeclaration();
    const param = decl?.parameters?.[i];
    if (!sig || !decl || !param?.type || param.type.kind !== ts.SyntaxKind.UnknownKeyword) return false;
    if (decl.type && ts.isTypePredicateNode(decl.type) && decl.type.assertsModifier) return true;
    return !!(sig.getReturnType().flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike));
  };
  /** Is the value of `use` (a name, `a.b`, `a[i]`) checked before it, or selected by a typeof/null test? */
  const guarded = (use: ts.Expression): boolean => {
    const name = strip(use).getText();
    const is = (x: ts.Expression) => strip(x).getText() === name;
    const kind = (c: ts.Expression, ...ops: ts.SyntaxKind[]): c is ts.BinaryExpression => ts.isBinaryExpression(c) && ops.includes(c.operatorToken.kind);
    const typeofIs = (c: ts.Expression, op: ts.SyntaxKind) => kind(c, op) && ts.isTypeOfExpression(c.left) && is(c.left.expression)
      && ts.isStringLiteral(c.right) && ['number', 'string', 'boolean'].includes(c.right.text);
    // the condition of a guard that throws: true means the value is not what is wanted
    const refuses = (c: ts.Expression): boolean => {
      c = strip(c);
      if (kind(c, ts.SyntaxKind.BarBarToken)) return refuses(c.left) || refuses(c.right);
      if (typeofIs(c, ts.SyntaxKind.ExclamationEqualsEqualsToken) || typeofIs(c, ts.SyntaxKind.ExclamationEqualsToken)) return true;
      if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken && ts.isCallExpression(c.operand) && c.operand.arguments.length && is(c.operand.arguments[0])) {
        const callee = c.operand.expression;
        if (/^Number\.is(Integer|SafeInteger|Finite)$/.test(callee.getText())) return true;
        // one of a list of literals: `!MODES.includes(v)`
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'includes' && safeType(checker.getTypeAtLocation(callee.expression), true)) return true;
      }
      // `v !== 'a' && v !== 'b'`
      const notLiteral = (x: ts.Expression): boolean => {
        x = strip(x);
        if (kind(x, ts.SyntaxKind.AmpersandAmpersandToken)) return notLiteral(x.left) && notLiteral(x.right);
        return kind(x, ts.SyntaxKind.ExclamationEqualsEqualsToken) && is(x.left) && (ts.isStringLiteral(x.right) || ts.isNumericLiteral(x.right));
      };
      return notLiteral(c);
    };
    // the condition of a branch that holds only checked values: typeof v === 'number', v === null || v === undefined
    const selects = (c: ts.Expression, whenTrue: boolean): boolean => {
      c = strip(c);
      if (!whenTrue) return typeofIs(c, ts.SyntaxKind.ExclamationEqualsEqualsToken);
      if (kind(c, ts.SyntaxKind.AmpersandAmpersandToken)) return selects(c.left, true) || selects(c.right, true);
      const nullish = (x: ts.Expression): boolean => {
        x = strip(x);
        if (kind(x, ts.SyntaxKind.BarBarToken)) return nullish(x.left) && nullish(x.right);
        return kind(x, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken) && is(x.left) && (x.right.kind === ts.SyntaxKind.NullKeyword || x.right.getText() === 'undefined');
      };
      return typeofIs(c, ts.SyntaxKind.EqualsEqualsEqualsToken) || nullish(c);
    };
    const exits = (st: ts.Statement): boolean => ts.isThrowStatement(st) || ts.isReturnStatement(st)
      || (ts.isBlock(st) && st.statements.length > 0 && exits(st.statements[st.statements.length - 1]))
      || (ts.isExpressionStatement(st) && ts.isCallExpression(st.expression) && !!(checker.getTypeAtLocation(st.expression).flags & ts.TypeFlags.Never));
    // `if (typeof op !== 'string') op = 'calculateFans';`
    const replaces = (st: ts.Statement): boolean => {
      if (ts.isBlock(st) && st.statements.length === 1) st = st.statements[0];
      return ts.isExpressionStatement(st) && kind(st.expression, ts.SyntaxKind.EqualsToken) && is(st.expression.left)
        && (ts.isStringLiteral(st.expression.right) || ts.isNumericLiteral(st.expression.right));
    };
    for (let p: ts.Node = use, q = use.parent; q; p = q, q = q.parent) {
      if (ts.isConditionalExpression(q) && p !== q.condition && selects(q.condition, q.whenTrue === p)) return true;
      if (ts.isIfStatement(q) && p !== q.expression && selects(q.expression, q.thenStatement === p)) return true;
      if (!ts.isBlock(q) && !ts.isSourceFile(q)) continue;
      for (const st of q.statements) {
        if (st.end > use.pos) break;
        if (ts.isIfStatement(st) && !st.elseStatement && refuses(st.expression) && (exits(st.thenStatement) || replaces(st.thenStatement))) return true;
        if (ts.isExpressionStatement(st)) {
          const x = strip(st.expression);  // `check(v, op);` or `this.v = check(v, op);`
          if (checksArg(kind(x, ts.SyntaxKind.EqualsToken) ? strip(x.right) : x, name)) return true;
        }
      }
    }
    return false;
  };

  // ---- where a value comes from
  /** The property a binding element takes from its object (`{ a: x }`, `{ a }` → 'a'; `...rest` keeps the one read from it). */
  const boundProp = (b: ts.BindingElement) => (ts.isObjectBindingPattern(b.parent) && !b.dotDotDotToken ? (b.propertyName ?? b.name).getText() : undefined);
  const initOf = (e: ts.Node) => { const d = ts.isIdentifier(e) ? declOf(e) : undefined; return d && ts.isVariableDeclaration(d) ? d.initializer : undefined; };
  /** Is option `prop` of `SIG.parse(args)` taken as is by its signature (`anyValue`)? */
  const parsedUnchecked = (call: ts.CallExpression, prop: string): boolean => {
    const recv = strip((call.expression as ts.PropertyAccessExpression).expression);
    const d = ts.isPropertyAccessExpression(recv) ? declOf(recv.name) : declOf(recv);
    const sig = d && (ts.isPropertyAssignment(d) || ts.isVariableDeclaration(d)) ? d.initializer : undefined;
    if (!sig || !ts.isCallExpression(sig) || sig.arguments.length < 3) return false;
    const find = (obj: ts.Expression | undefined, depth: number): ts.Expression | undefined => {
      obj = obj && strip(obj);
      if (!obj || depth > 3) return undefined;
      if (ts.isIdentifier(obj)) return find(initOf(obj), depth + 1);
      if (!ts.isObjectLiteralExpression(obj)) return undefined;
      for (const p of obj.properties) {
        if (ts.isPropertyAssignment(p) && p.name.getText() === prop) return p.initializer;
        if (ts.isSpreadAssignment(p)) { const r = find(p.expression, depth + 1); if (r) return r; }
      }
      return undefined;
    };
    const mentions = (n: ts.Node, depth: number): boolean => {
      if (depth > 3) return false;
      if (ts.isIdentifier(n)) { if (n.text === 'anyValue') return true; const i = initOf(n); return !!i && mentions(i, depth + 1); }
      return !!ts.forEachChild(n, (c) => mentions(c, depth) || undefined);
    };
    const check = find(sig.arguments[2], 0);
    return !!check && mentions(check, 0);
  };
  /** e's type, or where narrowing made it any (Array.isArray of a readonly T[]), its variable's declared type (or its elements'). */
  const declaredType = (e: ts.Expression): ts.Type => {
    const t = checker.getTypeAtLocation(e);
    if (!(t.flags & ts.TypeFlags.Any)) return t;
    const x = strip(e), base = ts.isElementAccessExpression(x) ? strip(x.expression) : x;
    const sym = ts.isIdentifier(base) ? checker.getSymbolAtLocation(base) : undefined;
    if (!sym?.valueDeclaration) return t;
    const declared = checker.getTypeOfSymbolAtLocation(sym, sym.valueDeclaration);
    return base === x ? declared : checker.getIndexTypeOfType(declared, ts.IndexKind.Number) ?? t;
  };
  const inProgress = new Set<ts.Node>();
  /** What the callers of internal function f pass as parameter idx ('' when all of it is the code's). */
  const callersPass = (f: Fn, idx: number, depth: number, prop?: string): string => {
    const key = f.parameters[idx];
    if (inProgress.has(key)) return '';
    inProgress.add(key);
    try {
      for (const c of calls.get(f) ?? []) {
        const args = c.arguments ?? ts.factory.createNodeArray<ts.Expression>();
        const spread = args.slice(0, idx + 1).find(ts.isSpreadElement);
        if (spread) { const why = userValue(spread.expression, depth + 1); if (why) return `element of ${why} spread at ${where(c)}`; continue; }
        const why = args[idx] ? userValue(args[idx], depth + 1, prop) : '';
        if (why) return `${why} passed at ${where(args[idx])}`;
      }
      return '';
    } finally { inProgress.delete(key); }
  };
  /**
   * Where the value of e (or its property `prop`) may come from a user unchecked: a reason such as
   * 'parameter k', 'option k (anyValue in its signature)', or '' when the code made or checked it.
   */
  const userValue = (e0: ts.Expression, depth = 0, prop?: string): string => {
    const e = strip(e0);
    if (depth > 10) return '';
    if (prop === undefined && (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && guarded(e)) return '';
    if (ts.isIdentifier(e)) {
      const d = declOf(e);
      if (!d) return '';
      let root: ts.Node = d, p = prop;
      while (ts.isBindingElement(root)) { p = boundProp(root) ?? p; root = root.parent.parent; }
      if (ts.isParameter(root)) {
        // declared unknown/any and narrowed by the code to a primitive (typeof): checked
        if (root === d && prop === undefined && root.type && [ts.SyntaxKind.UnknownKeyword, ts.SyntaxKind.AnyKeyword].includes(root.type.kind)) {
          const now = checker.getTypeAtLocation(e);
          if (!(now.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) && primitive(now)) return '';
        }
        const f = root.parent as Fn, k = fnKind(f);
        if (k === 'internal') return callersPass(f, f.parameters.indexOf(root), depth, root === d ? prop : p);
        if (k === 'callback') {
          // an array method's callback: its first parameter is an element of the array
          const call = f.parent;
          if (f.parameters[0] === root && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression)
              && /^(map|forEach|some|every|filter|find|findIndex|flatMap)$/.test(call.expression.name.text)) {
            const why = userValue(call.expression.expression, depth + 1);
            return why ? `element of ${why}` : '';
          }
          return '';
        }
        return `parameter ${root.name.getText()}${p ? `.${p}` : ''}`;
      }
      if (!ts.isVariableDeclaration(root)) return '';
      if (root.initializer) return userValue(root.initializer, depth + 1, root === d ? prop : p);
      // `for (const x of list)`: an element of the list; over a literal list of tuples, the tuples' entries
      const loop = root.parent.parent;
      if (ts.isVariableDeclarationList(root.parent) && ts.isForOfStatement(loop)) {
        const list = strip(loop.expression);
        const b = d !== root && ts.isBindingElement(d) && ts.isArrayBindingPattern(d.parent) && d.parent === root.name ? d.parent.elements.indexOf(d) : -1;
        if (ts.isArrayLiteralExpression(list) && b >= 0 && list.elements.every((x) => ts.isArrayLiteralExpression(strip(x)))) {
          for (const x of list.elements) { const el = (strip(x) as ts.ArrayLiteralExpression).elements[b]; const why = el ? userValue(el, depth + 1) : ''; if (why) return why; }
          return '';
        }
        const why = userValue(loop.expression, depth + 1);
        return why ? `element of ${why}` : '';
      }
      return '';
    }
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      if (e.expression.kind === ts.SyntaxKind.ThisKeyword) return '';  // the class's own state
      const ot = checker.getTypeAtLocation(e.expression);
      const typedArray = /^(Buffer|(Uint|Int|Float)\d+(Clamped)?Array)(<.*>)?$/.test(checker.typeToString(ot));
      if (ts.isPropertyAccessExpression(e) && e.name.text === 'length' && (checker.isArrayType(ot) || checker.isTupleType(ot) || ot.flags & ts.TypeFlags.StringLike || typedArray)) return '';
      if (ts.isElementAccessExpression(e) && typedArray) return '';
      if ((declaredType(e.expression).getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class && ts.isPropertyAccessExpression(e)) return '';  // x.shape of a Tensor
      const name = ts.isPropertyAccessExpression(e) ? e.name.text : ts.isStringLiteralLike(e.argumentExpression) ? e.argumentExpression.text : undefined;
      return userValue(e.expression, depth + 1, name);
    }
    if (ts.isArrayLiteralExpression(e)) {
      for (const el of e.elements) { const why = userValue(ts.isSpreadElement(el) ? el.expression : el, depth + 1); if (why) return why; }
      return '';
    }
    if (ts.isCallExpression(e)) {
      if (ts.isPropertyAccessExpression(e.expression)) {
        // a copy of a user's array is the user's: x.slice(), Array.from(x), Object.values(x)
        const m = e.expression.name.text, on = e.expression.expression.getText();
        if (/^(slice|concat|flat|reverse|toReversed|toSorted|sort|filter|values|subarray)$/.test(m)) {
          const why = userValue(e.expression.expression, depth + 1) || e.arguments.map((a) => userValue(a, depth + 1)).find(Boolean);
          if (why) return why;
        }
        if ((on === 'Array' && /^(from|of)$/.test(m)) || (on === 'Object' && m === 'values')) {
          const why = e.arguments.length ? userValue(e.arguments[0], depth + 1) : '';
          if (why) return why;
        }
        // what a signature's parse returns is checked, but for its anyValue options
        if (prop !== undefined && m === 'parse' && parsedUnchecked(e, prop)) return `option ${prop} (anyValue in its signature)`;
      }
      return '';  // any other call's result is the function's, which checked what it returns
    }
    if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(e.operatorToken.kind)) {
      return userValue(e.left, depth + 1, prop) || userValue(e.right, depth + 1, prop);
    }
    if (ts.isConditionalExpression(e)) return userValue(e.whenTrue, depth + 1, prop) || userValue(e.whenFalse, depth + 1, prop);
    if (ts.isObjectLiteralExpression(e) && prop !== undefined) {
      for (const q of e.properties) {
        if (ts.isPropertyAssignment(q) && q.name.getText() === prop) return userValue(q.initializer, depth + 1);
        if (ts.isShorthandPropertyAssignment(q) && q.name.text === prop) return userValue(q.name, depth + 1);
        if (ts.isSpreadAssignment(q)) { const why = userValue(q.expression, depth + 1, prop); if (why) return why; }
      }
    }
    return '';
  };
  /** Is e read from what JSON.parse returned? Such data holds no Symbol, BigInt or function: nothing throws on it. */
  const fromJson = (e0: ts.Expression, depth = 0): boolean => {
    const e = strip(e0);
    if (depth > 8) return false;
    if (ts.isCallExpression(e)) {
      const c = e.expression.getText();
      if (c === 'JSON.parse') return true;
      if ((c === 'Object.values' || c === 'Object.entries') && e.arguments.length) return fromJson(e.arguments[0], depth + 1);
      const d = checker.getResolvedSignature(e)?.getDeclaration() as Fn | undefined;
      if (!isLib(d) || !d.body) return false;
      const rets: ts.Expression[] = [];  // a helper that returns JSON.parse(…)
      const visit = (n: ts.Node): void => { if (ts.isFunctionLike(n) && n !== d) return; if (ts.isReturnStatement(n) && n.expression) rets.push(n.expression); ts.forEachChild(n, visit); };
      visit(d.body);
      return rets.length > 0 && rets.every((r) => fromJson(r, depth + 1));
    }
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return fromJson(e.expression, depth + 1);
    if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind)) {
      const r = strip(e.right);
      return fromJson(e.left, depth + 1) && (fromJson(r, depth + 1) || ts.isLiteralExpression(r) || r.kind === ts.SyntaxKind.NullKeyword);
    }
    if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => fromJson(ts.isSpreadElement(x) ? x.expression : x, depth + 1));
    if (ts.isNewExpression(e) && e.expression.getText() === 'Set' && e.arguments?.length) return fromJson(e.arguments[0], depth + 1);
    if (!ts.isIdentifier(e)) return false;
    const d = declOf(e);
    let root: ts.Node | undefined = d;
    while (root && ts.isBindingElement(root)) root = root.parent.parent;
    if (!root || !ts.isVariableDeclaration(root)) return false;
    if (root.initializer) return fromJson(root.initializer, depth + 1);
    if (ts.isVariableDeclarationList(root.parent) && ts.isForOfStatement(root.parent.parent)) return fromJson(root.parent.parent.expression, depth + 1);
    if (root !== d || !ts.isIdentifier(root.name)) return false;
    // `let parsed: unknown; parsed = JSON.parse(text);`: every value assigned is JSON
    const sym = checker.getSymbolAtLocation(root.name), assigned: ts.Expression[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && checker.getSymbolAtLocation(n.left) === sym) assigned.push(n.right);
      ts.forEachChild(n, visit);
    };
    visit(root.getSourceFile());
    return assigned.length > 0 && assigned.every((r) => fromJson(r, depth + 1));
  };

  // ---- the messages
  const findings: Finding[] = [];
  const checkValue = (e0: ts.Expression, form: string): void => {
    const e = strip(e0);
    if (ts.isStringLiteralLike(e) || ts.isNumericLiteral(e)) return;
    if (ts.isConditionalExpression(e)) { checkValue(e.whenTrue, form); checkValue(e.whenFalse, form); return; }
    if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind)) { checkValue(e.left, form); checkValue(e.right, form); return; }
    if (fromJson(e)) return;
    const t = checker.getTypeAtLocation(e), json = form === 'JSON.stringify';
    if (ts.isCallExpression(e) && safeType(t, json)) return;
    const why = userValue(e) || (safeType(t, json) ? '' : `its type ${checker.typeToString(t)} may throw there`);
    if (why) findings.push({ file: path.relative(path.dirname(libDir), e.getSourceFile().fileName), line: lineOf(e), form, expr: e.getText().slice(0, 60), why });
  };
  const stringy = (e: ts.Expression) => !!(checker.getTypeAtLocation(e).flags & ts.TypeFlags.StringLike);
  const arrayish = (t: ts.Type): boolean => !!(t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) || checker.isArrayType(t) || checker.isTupleType(t)
    || ((t.isUnion() || t.isIntersection()) && t.types.some(arrayish));
  const followed = new Set<ts.Node>();
  const checkMessage = (root: ts.Node): void => {
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n)) return;
      if (ts.isTemplateSpan(n)) checkValue(n.expression, '${}');
      else if (ts.isCallExpression(n)) {
        const c = n.expression.getText();
        if (c === 'String' && n.arguments.length) checkValue(n.arguments[0], 'String');
        else if (c === 'JSON.stringify' && n.arguments.length) checkValue(n.arguments[0], 'JSON.stringify');
        else if (ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'join' && arrayish(checker.getTypeAtLocation(n.expression.expression))) checkValue(n.expression.expression, 'join');
      } else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken && stringy(n)) {
        for (const side of [n.left, n.right]) {
          const x = strip(side);
          if (!(ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.PlusToken)) checkValue(side, '+');
        }
      } else if (ts.isIdentifier(n) && stringy(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
        // a message built before the throw: a local's initializer, or what a helper's callers pass
        const d = declOf(n);
        if (d && ts.isVariableDeclaration(d) && d.initializer && !followed.has(d)) { followed.add(d); checkMessage(d.initializer); }
        if (d && ts.isParameter(d) && !followed.has(d) && fnKind(d.parent) === 'internal') {
          followed.add(d);
          const i = (d.parent as Fn).parameters.indexOf(d);
          for (const c of calls.get(d.parent as Fn) ?? []) if (c.arguments?.[i]) checkMessage(c.arguments[i]);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(root);
  };
  for (const sf of files) {
    const visit = (n: ts.Node): void => {
      if (ts.isNewExpression(n) && /Error$/.test(n.expression.getText())) for (const a of n.arguments ?? []) checkMessage(a);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  const key = (f: Finding) => `${f.file}:${f.line} ${f.form}(${f.expr})`;
  return [...new Map(findings.map((f) => [key(f), f])).values()];
}

const show = (f: Finding) => `${f.file}:${f.line}: ${f.form}(${f.expr}): ${f.why}`;

describe('error messages are built only from safe values', () => {
  test('lib/: every value interpolated into an error message is one that cannot throw there (else describeArg it)', () => {
    const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const program = ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });
    const found = unsafeInterpolations(program, path.join(ROOT, 'lib'), path.join(ROOT, 'lib', 'index.ts'));
    const known = (f: Finding) => `${f.file}: ${f.form}(${f.expr})` in KNOWN;
    const fresh = found.filter((f) => !known(f)).map(show);
    const stale = Object.keys(KNOWN).filter((k) => !found.some((f) => `${f.file}: ${f.form}(${f.expr})` === k));
    if (fresh.length || stale.length) {
      throw new Error([
        ...(fresh.length ? [`${fresh.length} error message(s) interpolate a value that may be a user's and may throw there (print it with describeArg from lib/arity.ts, or check it first):`, ...fresh.map((s) => `  ${s}`)] : []),
        ...(stale.length ? ['KNOWN entries that no longer occur (remove them):', ...stale.map((s) => `  ${s}`)] : []),
      ].join('\n'));
    }
  }, 120_000);

  test('the check finds each unsafe form in a small program, and passes the safe ones', () => {
    // each line marked BAD must be reported, and nothing else
    const lib = path.join(path.sep, 'virtual', 'lib'), index = path.join(lib, 'index.ts');
    const source = `
export class ValueError extends Error {}
export function describeArg(v: unknown): string { return typeof v === 'string' ? v : 'a value'; }
function anyValue<T>(): (v: unknown) => T { return (v) => v as T; }
function int(): (v: unknown) => number { return (v) => { if (typeof v !== 'number') throw new ValueError('int'); return v; }; }
type Parsed<S> = { [K in keyof S]: S[K] extends (v: unknown) => infer T ? T : never };
function signature<S>(fn: string, positional: string[], params: S) { return { fn, positional, parse(args: unknown[]): Parsed<S> { return args as unknown as Parsed<S>; } }; }
const SIG = signature('parsed', ['k', 'n'], { k: anyValue<number>(), n: int() });
export function topk(x: number[], k: number): void {
  if (!Number.isInteger(k)) throw new ValueError(\`topk: k must be an integer, got \${String(k)}\`);  // BAD: the refusal prints the raw value
  if (k < 0) throw new ValueError(\`topk: k \${k} is negative\`);  // checked by the guard above
  throw new ValueError(\`topk: \${x.join(', ')}\`);  // BAD: join of a user's array
}
export function named(name: string): void { throw new ValueError(\`named: \${name}\`); }  // BAD: a public string parameter
export function parsed(...args: unknown[]): void {
  const o = SIG.parse(args);
  if (o.n < 0) throw new ValueError(\`parsed: n \${o.n}\`);  // checked by its signature
  throw new ValueError(\`parsed: k \${o.k}\`);  // BAD: an anyValue option
}
function helper(what: string, v: unknown): never { throw new ValueError(\`\${what}: got \${JSON.stringify(v)}\`); }  // BAD: what usesHelper passes
export function usesHelper(v: unknown): void { helper('usesHelper', v); }
export function good(v: unknown, dims: number[]): void {
  if (typeof v !== 'number') throw new ValueError(\`good: got \${describeArg(v)}\`);
  const n = dims.length;
  throw new ValueError(\`good: \${n} dims, value \${v}, \${String(v + 1)} \${dims.map(describeArg).join(', ')}\`);
}
export function element(list: unknown[]): void { list.forEach((e) => { throw new ValueError(\`element: \${String(e)}\`); }); }  // BAD: an element of a user's array
export function concat(v: unknown): void { throw new ValueError('concat: ' + v); }  // BAD: + of a user's value
export function fromFile(text: string): void { const cfg = JSON.parse(text); throw new ValueError(\`fromFile: \${JSON.stringify(cfg.x)}\`); }
export function message(v: unknown): void { const msg = \`message: \${v}\`; throw new ValueError(msg); }  // BAD: a message built before the throw
export function big(v: bigint): void { throw new ValueError(\`big: \${JSON.stringify(v)}\`); }  // BAD: JSON.stringify of a BigInt
export function loop(opts: { a?: unknown }): void { for (const [k, v] of [['a', opts.a]] as const) throw new ValueError(\`loop: \${k} \${String(v)}\`); }  // BAD: v is the user's, k the code's
`;
    const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, noEmit: true, types: [] };
    const host = ts.createCompilerHost(options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (f, v, ...rest) => (f === index ? ts.createSourceFile(f, source, v, true) : read(f, v, ...rest));
    const exists = host.fileExists.bind(host);
    host.fileExists = (f) => f === index || exists(f);
    const program = ts.createProgram([index], options, host);
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    const found = unsafeInterpolations(program, lib, index);
    const lines = source.split('\n');
    const bad = lines.map((l, i) => (l.includes('// BAD') ? i + 1 : 0)).filter(Boolean);
    expect([...new Set(found.map((f) => f.line))].sort((a, b) => a - b)).toEqual(bad);
    // and each finding says why (the user's value it prints)
    expect(found.find((f) => f.expr === 'o.k')?.why).toBe('option k (anyValue in its signature)');
    expect(found.find((f) => f.expr === 'v' && f.form === 'JSON.stringify')?.why).toMatch(/^parameter v passed at lib\/index\.ts:\d+$/);
    expect(found.filter((f) => f.line === bad[bad.length - 1]).map((f) => f.expr)).toEqual(['v']);
  }, 60_000);

  test('describeArg never throws, whatever the value (it is what the messages use)', () => {
    const cyclic: unknown[] = [1]; cyclic.push(cyclic);
    const revoked = Proxy.revocable([], {}); revoked.revoke();
    const throwing = new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
    const ctorThrows = Object.defineProperty({}, 'constructor', { get() { throw new Error('getter'); } });
    const nameThrows = Object.defineProperty(() => 1, 'name', { get() { throw new Error('getter'); } });
    const toStringThrows = { toString() { throw new Error('toString'); } };
    const cases: [unknown, string][] = [
      [Symbol('s'), 'Symbol(s)'], [10n, '10n'], [[Symbol('a'), [10n, [Symbol()]]], '[Symbol(a), [10n, [Symbol()]]]'],
      ['x', "'x'"], [2.5, '2.5'], [null, 'null'], [undefined, 'undefined'], [NaN, 'NaN'],
      [cyclic, '[1, [1, [1, [1, […]]]]]'], [Object.create(null), 'an object'], [toStringThrows, 'an object'],
      [new Int8Array(2), 'a Int8Array'], [new Map(), 'a Map'], [function f() { return 1; }, 'a function f'],
      [revoked.proxy, 'a value that cannot be printed'], [throwing, 'an object'], [ctorThrows, 'an object'], [nameThrows, 'a function'],
      [new Array(40).fill(0), `[${new Array(32).fill(0).join(', ')}, … 8 more]`],
    ];
    for (const [v, want] of cases) expect(describeArg(v)).toBe(want);
  });
});
