import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigurationError, UnknownConnectionError } from '../jobs/errors.js';
import { type Connection, ConnectionSchema } from './connections.js';

/** Where a Lambda or the local stack finds the operator's connections. */
export interface ConnectionRegistry {
  /** @throws UnknownConnectionError when the operator has not configured it. */
  get(name: string): Connection;
  list(): readonly Connection[];
}

export class StaticConnectionRegistry implements ConnectionRegistry {
  private readonly byName: ReadonlyMap<string, Connection>;

  constructor(connections: readonly Connection[]) {
    const byName = new Map<string, Connection>();
    for (const connection of connections) {
      if (byName.has(connection.name)) {
        throw new ConfigurationError(`Connection "${connection.name}" is defined twice`);
      }
      byName.set(connection.name, connection);
    }
    this.byName = byName;
  }

  get(name: string): Connection {
    const connection = this.byName.get(name);
    if (!connection) throw new UnknownConnectionError(name);
    return connection;
  }

  list(): readonly Connection[] {
    return [...this.byName.values()];
  }
}

export const ConnectionListSchema = z.array(ConnectionSchema);

/**
 * Parses connections from JSON (the config file's `connections`, or the deployed connections file
 * of lib/config/deployed-connections.ts), naming the field that is wrong.
 */
export function parseConnections(value: unknown, source: string): Connection[] {
  const parsed = ConnectionListSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigurationError(`${source}: ${formatIssues(parsed.error)}`);
  }
  return parsed.data;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Reads and parses a JSON file, with a message that names the file when it cannot. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`Cannot read config file ${path}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`Config file ${path} is not valid JSON`, { cause: error });
  }
}
