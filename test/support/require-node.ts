/**
 * Refuses to run the suite on a Node older than 22. npm scripts normally run on the Node 24 that
 * the `node` devDependency installs; if its install script was skipped they silently fall back to
 * the machine's Node, and middy 7, vitest and aws-local-stepfunctions then fail in obscure ways.
 */
export default function requireNode(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    throw new Error(
      `jobwatch's tests need Node >= 22, but this is Node ${process.versions.node}. ` +
        'Run them through npm (npm test), which uses the Node 24 installed by `npm ci`; ' +
        "if that fails, check that the 'node' package's install script ran (npm install-scripts ls).",
    );
  }
}
