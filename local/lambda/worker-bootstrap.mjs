/**
 * The runtime inside one local Lambda "container" (a worker thread): installs the clock shim,
 * loads the bundle at once (the init phase; `{ready}` tells the host), then runs one invocation at a time
 * and answers as the Lambda runtime would — the result as JSON text, or
 * `{errorType, errorMessage, trace}` with the thrown error's own name.
 *
 * Plain JavaScript: the worker runs the deployed artifact as Node runs it on Lambda, with no
 * TypeScript loader in between.
 */

import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { realTime, syncClock } from './date-shim.mjs';

const { handlerFile, handlerExport, functionName, memoryMb, includeTrace, clock } = workerData;

if (/--enable-source-maps/.test(process.env.NODE_OPTIONS ?? '')) process.setSourceMapsEnabled(true);

/** @type {Promise<Function> | undefined} */
let handler;

function loadHandler() {
  handler ??= import(pathToFileURL(handlerFile).href).then((module) => {
    const exported = module[handlerExport];
    if (typeof exported !== 'function') {
      const error = new Error(`${handlerFile} does not export a function named ${handlerExport}`);
      error.name = 'Runtime.HandlerNotFound';
      throw error;
    }
    return exported;
  });
  return handler;
}

function lambdaError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      // Reading the stack runs the source-map lookup (NODE_OPTIONS --enable-source-maps): several
      // milliseconds per error, and the poll ends with an error on every poll. Off unless asked.
      trace: includeTrace && typeof error.stack === 'string' ? error.stack.split('\n') : [],
    };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

function contextFor(invocation) {
  const { awsRequestId, deadline, invokedFunctionArn, logStreamName } = invocation.context;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - realTime()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function invoke(invocation) {
  syncClock(invocation.clock);
  const fn = await loadHandler();
  const event = invocation.payload === undefined ? undefined : JSON.parse(invocation.payload);
  const context = contextFor(invocation);
  // Callback-style handlers (three parameters) answer through the callback.
  const result =
    fn.length >= 3
      ? await new Promise((resolve, reject) => {
          const returned = fn(event, context, (error, value) => (error ? reject(error) : resolve(value)));
          if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
        })
      : await fn(event, context);
  return result === undefined ? undefined : JSON.stringify(result);
}

// The init phase runs when the container starts, as on Lambda, at the stack's time.
syncClock(clock);
loadHandler().then(
  () => parentPort.postMessage({ ready: true }),
  () => parentPort.postMessage({ ready: false }), // the first invocation reports the error
);

parentPort.on('message', (invocation) => {
  invoke(invocation).then(
    (body) => parentPort.postMessage({ id: invocation.id, ok: true, body }),
    (error) => parentPort.postMessage({ id: invocation.id, ok: false, error: lambdaError(error) }),
  );
});
