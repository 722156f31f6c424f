import { createHash, randomUUID } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { buildApp } from '../../infra/app.js';
import type { Connection, ConnectionInput } from '../../lib/config/connections.js';
import {
  CONNECTIONS_FILE_ENV,
  CONNECTIONS_FILE_NAME,
  sha256Hex,
} from '../../lib/config/deployed-connections.js';
import { type LocalResourceNames, type Template, TokenResolver } from './cfn-tokens.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Inputs of the bundles: a change in any of them means another assembly. */
const HASHED_DIRECTORIES = ['functions', 'lib', 'infra'];
const HASHED_FILES = ['package-lock.json', 'cdk.json', 'tsconfig.json'];
const CACHE_ROOT = join(PROJECT_ROOT, 'node_modules', '.cache', 'jobwatch-assembly');
/** A lock older than this belongs to a synth that died. */
const STALE_LOCK_MS = 180_000;
const STAGE = 'local';

/** One function's code, as the bundled synth produced it (what the deploy uploads). */
export interface FunctionCode {
  logicalId: string;
  constructPath: string;
  /** The asset's handler module (`index.mjs`), in the cache directory. */
  handlerFile: string;
  /** The export the template's Handler names (`index.handler` → `handler`). */
  handlerExport: string;
}

/** A function as it would deploy: its code plus the template's settings, tokens resolved locally. */
export interface LocalFunction extends FunctionCode {
  /** jobwatch's name for it: poll, recordWatchFailure, api, watchRequested, executionEnded, … */
  role: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** `Environment.Variables` exactly as the template gives it, with tokens resolved to local names. */
  environment: Record<string, string>;
}

export interface LocalDeployment {
  functions: LocalFunction[];
  stateMachineName: string;
  eventBusName: string;
  /** The connections as the functions' code assets carry them (`credentialsSecret` set on each). */
  connections: readonly Connection[];
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

function appContext(extra: Record<string, unknown>): Record<string, unknown> {
  return { ...cdkJsonContext(), nag: 'false', stage: STAGE, ...extra };
}

/** sha256 over the sources the bundles are built from, file names included. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
      return;
    }
    hash.update(relative(PROJECT_ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const directory of HASHED_DIRECTORIES) visit(join(PROJECT_ROOT, directory));
  for (const file of HASHED_FILES) visit(join(PROJECT_ROOT, file));
  return hash.digest('hex').slice(0, 32);
}

/** jobwatch's name for a function: `PollFunctionFBFFF505` → `poll`, `ReconcileFunctionAB12CD34` → `reconcile`. */
export function roleOf(logicalId: string): string {
  const base = logicalId.replace(/[0-9A-F]{8}$/, '').replace(/Function$/, '') || logicalId;
  return base.charAt(0).toLowerCase() + base.slice(1);
}

type CodeManifest = { hash: string; functions: FunctionCode[] };

/** Synthesizes with bundling and copies each function's asset into `directory`. */
function synthesizeBundles(directory: string, hash: string): CodeManifest {
  const { app, stateless } = buildApp(appContext({}));
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stateless.stackName);
  const template = artifact.template as Template;
  const assetManifest = JSON.parse(
    readFileSync(join(assembly.directory, `${artifact.stackName}.assets.json`), 'utf8'),
  ) as { files: Record<string, { source: { path: string } }> };
  const functions: FunctionCode[] = [];
  for (const cfn of stateless.node.findAll().filter((node) => node instanceof CfnFunction)) {
    const logicalId = Stack.of(cfn).resolve((cfn as CfnFunction).logicalId) as string;
    const properties = template.Resources?.[logicalId]?.Properties ?? {};
    const s3Key = (properties.Code as { S3Key?: unknown } | undefined)?.S3Key;
    const handler = String(properties.Handler ?? 'index.handler');
    if (typeof s3Key !== 'string') continue; // inline code: not one of ours
    const source = assetManifest.files[s3Key.replace(/\.zip$/, '')]?.source.path;
    if (!source) continue;
    const module = handler.slice(0, handler.lastIndexOf('.'));
    const target = join(directory, logicalId);
    cpSync(join(assembly.directory, source), target, { recursive: true });
    const file = ['.mjs', '.js', '.cjs']
      .map((extension) => `${module}${extension}`)
      .find((name) => existsSync(join(target, name)));
    if (!file) throw new Error(`The bundle of ${logicalId} has no module ${module}`);
    functions.push({
      logicalId,
      constructPath: cfn.node.scope?.node.path ?? cfn.node.path,
      handlerFile: join(target, file),
      handlerExport: handler.slice(handler.lastIndexOf('.') + 1),
    });
  }
  rmSync(assembly.directory, { recursive: true, force: true });
  return { hash, functions };
}

async function loadCode(): Promise<CodeManifest> {
  const hash = sourceHash();
  const directory = join(CACHE_ROOT, hash);
  const manifestFile = join(directory, 'manifest.json');
  const lock = `${directory}.lock`;
  mkdirSync(CACHE_ROOT, { recursive: true });
  for (;;) {
    if (existsSync(manifestFile)) return JSON.parse(readFileSync(manifestFile, 'utf8')) as CodeManifest;
    try {
      mkdirSync(lock);
    } catch {
      // Another process (a parallel test file) is bundling the same sources: wait for it.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
      continue;
    }
    const building = `${directory}.building-${process.pid}`;
    try {
      rmSync(building, { recursive: true, force: true });
      mkdirSync(building, { recursive: true });
      const built = synthesizeBundles(building, hash);
      // The paths point at the final directory; write the manifest last, then move into place.
      const manifest: CodeManifest = {
        hash,
        functions: built.functions.map((fn) => ({
          ...fn,
          handlerFile: join(directory, relative(building, fn.handlerFile)),
        })),
      };
      writeFileSync(join(building, 'manifest.json'), JSON.stringify(manifest, null, 2));
      rmSync(directory, { recursive: true, force: true });
      renameSync(building, directory);
      pruneOldAssemblies(hash);
      return manifest;
    } finally {
      rmSync(building, { recursive: true, force: true });
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Keeps the cache to the current assembly and the one before it. */
function pruneOldAssemblies(current: string): void {
  const entries = readdirSync(CACHE_ROOT)
    .filter((name) => /^[0-9a-f]{32}$/.test(name) && name !== current)
    .map((name) => ({ name, mtime: statSync(join(CACHE_ROOT, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const entry of entries.slice(1))
    rmSync(join(CACHE_ROOT, entry.name), { recursive: true, force: true });
  // Half-built directories of synths that died.
  for (const name of readdirSync(CACHE_ROOT).filter((entry) => entry.includes('.building-'))) {
    const age = Date.now() - (statSync(join(CACHE_ROOT, name), { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (age > STALE_LOCK_MS) rmSync(join(CACHE_ROOT, name), { recursive: true, force: true });
  }
}

let code: Promise<CodeManifest> | undefined;

/**
 * The functions' bundled code, synthesized once with bundling (the local esbuild, no Docker) and
 * kept under node_modules/.cache/jobwatch-assembly/<hash of the sources>: a later run, or another
 * test file, reuses it until a source changes.
 */
export function loadFunctionCode(): Promise<CodeManifest> {
  code ??= loadCode().catch((error: unknown) => {
    code = undefined;
    throw error;
  });
  return code;
}

/** As a deploy requires: no inline credentials in the connections the app is synthesized with. */
export function deployableConnections(connections: readonly ConnectionInput[]): ConnectionInput[] {
  return connections.map(({ credentials: _credentials, ...connection }) => connection);
}

type SynthesizedSettings = Omit<LocalDeployment, 'functions'> & { settings: Settings[]; document: string };
const deployments = new Map<string, Promise<SynthesizedSettings>>();
type Settings = Omit<LocalFunction, keyof FunctionCode | 'role'> & { logicalId: string };

/** The cheap synth (no bundling) with these connections: each function's settings and environment. */
function synthesizeSettings(
  connections: readonly ConnectionInput[],
  names: LocalResourceNames,
): SynthesizedSettings {
  const scratch = mkdtempSync(join(tmpdir(), 'jobwatch-connections-'));
  try {
    const connectionsFile = join(scratch, 'connections.json');
    writeFileSync(connectionsFile, JSON.stringify({ connections: deployableConnections(connections) }));
    const { app, stateful, stateless } = buildApp(
      appContext({ 'aws:cdk:bundling-stacks': [], connectionsFile }),
    );
    const assembly = app.synth();
    const statelessTemplate = assembly.getStackByName(stateless.stackName).template as Template;
    const statefulTemplate = assembly.getStackByName(stateful.stackName).template as Template;
    rmSync(assembly.directory, { recursive: true, force: true });
    const resolver = new TokenResolver([statefulTemplate, statelessTemplate], names);
    const resources = Object.entries(statelessTemplate.Resources ?? {});
    const settings: Settings[] = resources
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([logicalId, resource]) => {
        const properties = resource.Properties ?? {};
        const variables = ((properties.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables ?? {}) as Record<string, unknown>;
        return {
          logicalId,
          timeoutSeconds: Number(properties.Timeout ?? 3),
          memoryMb: Number(properties.MemorySize ?? 128),
          environment: Object.fromEntries(
            Object.entries(variables).map(([key, value]) => [
              key,
              resolver.resolve(value, statelessTemplate),
            ]),
          ),
        };
      });
    const named = (type: string, key: string) => {
      const found = resources.find(([, resource]) => resource.Type === type);
      if (!found) throw new Error(`The stateless template has no ${type}`);
      return String(found[1].Properties?.[key] ?? found[0]);
    };
    return {
      settings,
      stateMachineName: named('AWS::StepFunctions::StateMachine', 'StateMachineName'),
      eventBusName: named('AWS::Events::EventBus', 'Name'),
      connections: stateless.connections.connections,
      document: stateless.connections.document,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Every Lambda function of the stateless stack as it would deploy with these connections: the
 * bundled code from the cached assembly, and timeout, memory and environment from a synth with
 * the connections (credentials stripped, as a deploy requires), tokens resolved to local names.
 *
 * @example
 * const { functions } = await loadLocalDeployment(config.connections, { tableName: 'jobs' });
 * functions.find((fn) => fn.role === 'poll')?.handlerFile // …/PollFunctionFBFFF505/index.mjs
 */
export async function loadLocalDeployment(
  connections: readonly ConnectionInput[],
  names: LocalResourceNames,
): Promise<LocalDeployment> {
  const key = JSON.stringify({ connections: deployableConnections(connections), names });
  let settings = deployments.get(key);
  if (!settings) {
    settings = Promise.resolve().then(() => synthesizeSettings(connections, names));
    deployments.set(key, settings);
    settings.catch(() => deployments.delete(key));
  }
  const [{ functions: bundles }, resolved] = await Promise.all([loadFunctionCode(), settings]);
  const functions = resolved.settings.map((setting): LocalFunction => {
    const bundle = bundles.find((candidate) => candidate.logicalId === setting.logicalId);
    if (!bundle) throw new Error(`The bundled assembly has no code for ${setting.logicalId}`);
    const code = setting.environment[CONNECTIONS_FILE_ENV]
      ? withConnectionsFile(bundle, resolved.document)
      : bundle;
    return { ...code, ...setting, role: roleOf(setting.logicalId) };
  });
  return {
    functions,
    stateMachineName: resolved.stateMachineName,
    eventBusName: resolved.eventBusName,
    connections: resolved.connections,
  };
}

/**
 * The code asset as this deployment would upload it: the cached bundle (built once, with no
 * connections) plus this deployment's connections file, in a directory of its own under the
 * assembly's cache (`deployments/<hash of the file>/<logical id>/`, the bundle's files linked,
 * not copied). The handler then finds the file where Lambda would: in its task root.
 */
function withConnectionsFile(bundle: FunctionCode, document: string): FunctionCode {
  const bundleDirectory = dirname(bundle.handlerFile);
  const target = join(
    dirname(bundleDirectory),
    'deployments',
    sha256Hex(document).slice(0, 16),
    basename(bundleDirectory),
  );
  const relocated = { ...bundle, handlerFile: join(target, basename(bundle.handlerFile)) };
  if (existsSync(join(target, CONNECTIONS_FILE_NAME))) return relocated;
  const building = `${target}.building-${process.pid}-${randomUUID()}`;
  mkdirSync(building, { recursive: true });
  try {
    for (const entry of readdirSync(bundleDirectory)) {
      if (entry === CONNECTIONS_FILE_NAME) continue;
      linkOrCopy(join(bundleDirectory, entry), join(building, entry));
    }
    writeFileSync(join(building, CONNECTIONS_FILE_NAME), document);
    try {
      renameSync(building, target);
    } catch (error) {
      // A parallel test file placed the same deployment first: its copy is as good.
      if (!existsSync(join(target, CONNECTIONS_FILE_NAME))) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return relocated;
}

function linkOrCopy(source: string, destination: string): void {
  try {
    linkSync(source, destination);
  } catch {
    copyFileSync(source, destination);
  }
}
