import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** A regular expression written in source: a literal, or a `RegExp` call/construction. */
export interface SourceRegex {
  /** `lib/…/file.ts:line`, relative to the repository root. */
  location: string;
  /** The pattern, or undefined when it is computed at run time (not a string literal). */
  source: string | undefined;
  flags: string;
  /** The expression as written, for messages. */
  text: string;
}

/** The TypeScript files under the given directories, declarations and tests left out. */
export function sourceFiles(root: string, directories: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (/\.[cm]?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push(path);
      }
    }
  };
  for (const directory of directories) walk(join(root, directory));
  return files.sort();
}

function literalText(node: ts.Expression | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined;
}

/**
 * Every regex literal and every `RegExp(…)` / `new RegExp(…)` in a file, found by walking its
 * syntax tree (so a `/` in a string or a comment is never mistaken for one).
 */
export function regexesIn(path: string, root: string): SourceRegex[] {
  const text = readFileSync(path, 'utf8');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: SourceRegex[] = [];
  const where = (node: ts.Node): string =>
    `${relative(root, path)}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.getText(file);
      const lastSlash = literal.lastIndexOf('/');
      found.push({
        location: where(node),
        source: literal.slice(1, lastSlash),
        flags: literal.slice(lastSlash + 1),
        text: literal,
      });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp'
    ) {
      const [pattern, flags] = node.arguments ?? [];
      const flagText = flags === undefined ? '' : literalText(flags);
      const source = literalText(pattern);
      found.push({
        location: where(node),
        source: flagText === undefined ? undefined : source,
        flags: flagText ?? '',
        text: node.getText(file),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
