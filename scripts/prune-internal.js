'use strict';
// Removes what is marked @internal from a bundled declaration file, then drops the
// declarations nobody references any more. tsc's own `stripInternal` is not used:
// it reads every comment before a declaration, so a file's opening comment that says
// "@internal" about the module strips that file's first (possibly public) export.
// Here only a declaration's own doc comment (the last one before it) counts.
const ts = require('typescript');

/** The doc comment written for this node (the last one before it), if any. */
function ownDoc(node) {
  const docs = node.jsDoc;
  return docs && docs.length > 0 ? docs[docs.length - 1] : undefined;
}

function isInternal(node) {
  const doc = ownDoc(node);
  if (doc === undefined) return false;
  return (doc.tags ?? []).some((t) => t.tagName.text === 'internal');
}

function isExported(statement) {
  return (ts.getCombinedModifierFlags(statement) & ts.ModifierFlags.Export) !== 0 || ts.isExportDeclaration(statement) || ts.isExportAssignment(statement);
}

/** Names a top-level statement declares (one for most, several for `declare const a, b`). */
function declaredNames(statement) {
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.map((d) => d.name.getText());
  if (statement.name !== undefined && ts.isIdentifier(statement.name)) return [statement.name.text];
  return [];
}

/** Applies text edits (non-overlapping `{ start, end, text }`) from the end backwards. */
function applyEdits(text, edits) {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function parse(text) {
  return ts.createSourceFile('bundle.d.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** Drops @internal members; an @internal constructor becomes private so the class cannot be built from outside. */
function stripInternalMembers(text) {
  const sf = parse(text);
  const edits = [];
  const problems = [];
  for (const statement of sf.statements) {
    if (isInternal(statement) && isExported(statement)) problems.push(`${declaredNames(statement).join(', ')} is exported but marked @internal`);
    if (!ts.isClassDeclaration(statement) && !ts.isInterfaceDeclaration(statement)) continue;
    for (const member of statement.members) {
      if (!isInternal(member)) continue;
      if (ts.isConstructorDeclaration(member)) {
        edits.push({ start: member.getStart(sf), end: member.getEnd(), text: 'private constructor();' });
      } else {
        edits.push({ start: member.getFullStart(), end: member.getEnd(), text: '' });
      }
    }
  }
  if (problems.length > 0) throw new Error(`prune-internal: ${problems.join('; ')}`);
  return applyEdits(text, edits);
}

/** Identifiers used anywhere in `node`, except `skip` (a declaration's own name). */
function collectIdentifiers(node, into, skip) {
  const visit = (n) => {
    // `export { A$1 as A }` uses A$1 only; the exported name is not a reference.
    if (ts.isExportSpecifier(n)) {
      into.add((n.propertyName ?? n.name).text);
      return;
    }
    if (ts.isIdentifier(n) && n !== skip) into.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
}

/** Removes unexported declarations and imports that nothing left refers to, until none is left to remove. */
function treeShake(text) {
  for (;;) {
    const sf = parse(text);
    const usedBy = new Map(); // statement -> identifiers it uses
    for (const s of sf.statements) {
      const ids = new Set();
      collectIdentifiers(s, ids, s.name);
      usedBy.set(s, ids);
    }
    const usedElsewhere = (name, self) => [...usedBy].some(([s, ids]) => s !== self && ids.has(name));
    const edits = [];
    for (const s of sf.statements) {
      if (ts.isImportDeclaration(s)) {
        const bindings = s.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) {
          const keep = bindings.elements.filter((e) => usedElsewhere(e.name.text, s));
          if (keep.length === 0) edits.push({ start: s.getFullStart(), end: s.getEnd(), text: '' });
          else if (keep.length < bindings.elements.length) edits.push({ start: bindings.getStart(sf), end: bindings.getEnd(), text: `{ ${keep.map((e) => e.getText(sf)).join(', ')} }` });
        }
        continue;
      }
      if (isExported(s)) continue;
      const names = declaredNames(s);
      if (names.length > 0 && names.every((n) => !usedElsewhere(n, s))) edits.push({ start: s.getFullStart(), end: s.getEnd(), text: '' });
    }
    if (edits.length === 0) return text;
    text = applyEdits(text, edits);
  }
}

/**
 * The bundler renames a name declared twice (`CallOptions`, `CallOptions$1`); once the
 * internal one is gone, the public one gets its own name back.
 */
function restoreRenamed(text) {
  const sf = parse(text);
  const declared = new Set(sf.statements.flatMap(declaredNames));
  const renames = new Map([...declared].filter((n) => /\$\d+$/.test(n) && !declared.has(n.replace(/\$\d+$/, ''))).map((n) => [n, n.replace(/\$\d+$/, '')]));
  if (renames.size === 0) return text;
  const edits = [];
  const visit = (n) => {
    if (ts.isIdentifier(n) && renames.has(n.text)) edits.push({ start: n.getStart(sf), end: n.getEnd(), text: renames.get(n.text) });
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return applyEdits(text, edits).replace(/\b(\w+) as \1\b/g, '$1');
}

/** @param {string} text a bundled .d.ts @returns {string} the same without internals */
function pruneInternal(text) {
  return restoreRenamed(treeShake(stripInternalMembers(text))).replace(/\n{3,}/g, '\n\n');
}

module.exports = { pruneInternal };
