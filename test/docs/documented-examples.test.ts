import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConnectionSchema } from '../../lib/config/connections.js';
import { VENDORS, type VendorName } from '../../lib/jobs/job.js';
import { adapterFor } from '../../lib/vendors/registry.js';
import { LocalConfigSchema } from '../../local/local-config.js';

/**
 * The examples an operator copies from the docs must work as shown: every job reference in a
 * vendor page's "Job reference" section, and every connection in its JSON examples, is parsed by
 * the schemas jobwatch itself uses.
 */
function read(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

/** The ```json blocks of a Markdown text, each as whole JSON or, failing that, one value a line. */
function jsonExamples(markdown: string): unknown[] {
  const blocks = [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks.flatMap((block) => {
    try {
      return [JSON.parse(block)];
    } catch {
      return block
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line));
    }
  });
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}`);
  if (start < 0) return '';
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

function checkConnection(value: unknown): void {
  const connection = ConnectionSchema.parse(value);
  const adapter = adapterFor(connection.vendor);
  adapter.optionsSchema.parse(connection.options);
  if (connection.credentials) adapter.credentialsSchema.parse(connection.credentials);
}

const hasVendor = (value: unknown): value is { vendor: string } =>
  typeof value === 'object' && value !== null && 'vendor' in value;

describe.each(VENDORS.map((vendor) => [vendor] as [VendorName]))('docs/vendors/%s.md', (vendor) => {
  const markdown = read(`docs/vendors/${vendor}.md`);

  it('shows job references the adapter accepts', () => {
    const references = jsonExamples(section(markdown, 'Job reference'));

    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) adapterFor(vendor).referenceSchema.parse(reference);
  });

  it('shows connections that parse, options and credentials included', () => {
    const connections = jsonExamples(markdown).filter(hasVendor);

    for (const connection of connections) checkConnection(connection);
  });
});

describe('README.md', () => {
  it('shows a local config file that parses, each connection by its vendor too', () => {
    const [config] = jsonExamples(section(read('README.md'), 'Configuration (local mode)'));

    const parsed = LocalConfigSchema.parse(config);
    for (const connection of parsed.connections) checkConnection(connection);
  });
});
