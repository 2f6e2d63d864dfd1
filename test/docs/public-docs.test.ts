// Every public export (what `eddy` and `eddy/testing` export) has a doc comment with an @example:
// the README promises it, and this keeps new exports honest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const entries = ['../../src/index.ts', '../../src/testing/index.ts'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

function undocumented(): string[] {
  const program = ts.createProgram(entries, {
    allowImportingTsExtensions: true, noEmit: true, module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  for (const entry of entries) {
    const file = program.getSourceFile(entry);
    assert.ok(file, `cannot read ${entry}`);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    assert.ok(moduleSymbol, `${entry} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = symbol.declarations ?? [];
      const documented = declarations.some((d) => {
        // A variable's comment sits on its statement; ts.getJSDocTags walks up to it.
        const tags = ts.getJSDocTags(d);
        return tags.some((t) => t.tagName.text === 'example');
      });
      if (!documented) {
        const where = declarations[0];
        const at = where === undefined ? '?' : `${where.getSourceFile().fileName.replace(/^.*\/src\//, 'src/')}:${where.getSourceFile().getLineAndCharacterOfPosition(where.getStart()).line + 1}`;
        missing.push(`${exported.name} (${at})`);
      }
    }
  }
  return missing;
}

test('every public export has a doc comment with an @example', () => {
  const missing = undocumented();
  assert.deepEqual(missing, [], `exports without a doc comment carrying @example:\n  ${missing.join('\n  ')}`);
});
