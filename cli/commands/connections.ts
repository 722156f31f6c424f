import { type CliContext, jsonText } from '../context.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { renderConnectionsTable } from '../render.js';

/** `jobwatch connections`: the connection names a `watch` may use, and their vendors. */
export async function connectionsCommand(
  context: CliContext,
  options: { json?: boolean },
): Promise<ExitCode> {
  const connections = await context.client.connections();
  context.stdout.write(
    options.json ? jsonText({ items: connections }) : `${renderConnectionsTable(connections)}\n`,
  );
  return EXIT_CODES.success;
}
