import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSync, type Diagnostics } from 'recheck';
import { describe, expect, it } from 'vitest';
import { regexesIn, type SourceRegex, sourceFiles } from './regex-inventory.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Regexes recheck calls super-linear that never see outside input. Each entry names the
 * expression exactly and says where its input comes from; anything that reads a vendor answer,
 * a request, a header or operator configuration does not belong here: fix it instead.
 */
const ALLOWED: ReadonlyArray<{ location: string; text: string; reason: string }> = [
  {
    location: 'local/lambda/cfn-tokens.ts',
    text: '/\\$\\{([^}]+)\\}/g',
    reason: 'resolves Fn::Sub strings of the template our own CDK app synthesized',
  },
];

/**
 * Per-pattern limits: recheck's defaults allow 10 s a pattern; every pattern in the tree is
 * decided in well under a second (all 170 took ~4 s together when this was written), so a
 * pattern that needs longer is reported as `unknown` and fails below rather than slowing the suite.
 */
const CHECK_OPTIONS = { timeout: 3_000, randomSeed: 1 } as const;

function describeDiagnostics(found: SourceRegex, diagnostics: Diagnostics): string {
  if (diagnostics.status === 'vulnerable') {
    return `${found.location} ${found.text}: ${diagnostics.complexity.summary}, e.g. ${diagnostics.attack.pattern}`;
  }
  if (diagnostics.status === 'unknown') {
    return `${found.location} ${found.text}: not decided (${diagnostics.error.kind})`;
  }
  return `${found.location} ${found.text}: safe`;
}

function isAllowed(found: SourceRegex): boolean {
  return ALLOWED.some(
    (entry) => found.location.startsWith(`${entry.location}:`) && found.text === entry.text,
  );
}

describe('regular expressions in lib/ and local/', () => {
  const regexes = sourceFiles(ROOT, ['lib', 'local']).flatMap((file) => regexesIn(file, ROOT));

  it('finds the regexes of the tree, literals and RegExp constructors alike', () => {
    // Assess: a walker that found nothing would pass everything below.
    expect(regexes.length).toBeGreaterThan(100);
    expect(regexes.some((found) => found.location.startsWith('lib/vendors/vdg-sense/'))).toBe(true);
  });

  it('flags the errorcode regex that froze the process on a 248-byte VDG answer (issue 10)', () => {
    // Prepare: the pattern lib/vendors/vdg-sense/vdg-sense-schema.ts used before the fix.
    const frozeTheProcess =
      /^\s*(?:<\?xml[^>]*\?>\s*|<!--[\s\S]*?-->\s*)*<result\b(?:[^>]*?\berrorcode\s*=\s*["']?\s*(-?\d+)|[^>]*>\s*<errorcode\s*>\s*(-?\d+)\s*<\/errorcode\s*>)/i;

    // Act
    const diagnostics = checkSync(frozeTheProcess.source, frozeTheProcess.flags, CHECK_OPTIONS);

    // Assess: the limits above still let recheck see what mattered.
    expect(diagnostics.status).toBe('vulnerable');
  });

  it('builds no RegExp from text known only at run time', () => {
    // Act
    const computed = regexes.filter((found) => found.source === undefined);

    // Assess: a pattern made of vendor or caller text cannot be checked here.
    expect(computed.map((found) => `${found.location} ${found.text}`)).toEqual([]);
  });

  it('has no regex that backtracks super-linearly, outside the commented allow-list', () => {
    // Act
    const findings = regexes
      .filter((found) => found.source !== undefined && !isAllowed(found))
      .map((found) => ({ found, diagnostics: checkSync(found.source ?? '', found.flags, CHECK_OPTIONS) }))
      .filter(({ diagnostics }) => diagnostics.status !== 'safe')
      .map(({ found, diagnostics }) => describeDiagnostics(found, diagnostics));

    // Assess
    expect(findings).toEqual([]);
  }, 60_000);

  it('keeps the allow-list to entries that still exist and are still flagged', () => {
    // Act
    const stale = ALLOWED.filter((entry) => {
      const found = regexes.find(
        (candidate) => candidate.location.startsWith(`${entry.location}:`) && candidate.text === entry.text,
      );
      return (
        found === undefined || checkSync(found.source ?? '', found.flags, CHECK_OPTIONS).status === 'safe'
      );
    });

    // Assess
    expect(stale).toEqual([]);
  });
});
