// Stratus's bootstrap for Lambda's managed Node.js runtimes (nodejs18.x and later), started
// by Stratus as `node <flags> index.mjs` in LAMBDA_TASK_ROOT. It plays the part of AWS's own
// runtime interface client: loads _HANDLER, then answers events from the Runtime API at
// AWS_LAMBDA_RUNTIME_API with the same context, error documents and log lines.
import { CALLBACK_REMOVED_MESSAGE, CallbackHandlerDeprecated, UnhandledPromiseRejection } from './errors.mjs';
import { CallbackRuntime, ErrorHooks, PromiseRuntime, onBeforeExit } from './invoke.mjs';
import { loadHandler } from './loader.mjs';
import { logError, patchConsole } from './logging.mjs';
import { RuntimeApiClient } from './rapid.mjs';
import { installAwsLambdaGlobal } from './streaming.mjs';

// The runtime's major version decides the programming model; AWS_EXECUTION_ENV is reserved,
// so a function cannot change it.
function runtimeMajor() {
  const match = /^AWS_Lambda_nodejs(\d+)\.x$/.exec(process.env.AWS_EXECUTION_ENV ?? '');
  return match ? Number.parseInt(match[1], 10) : Number.parseInt(process.versions.node, 10);
}

// Lambda's side has gone (the environment is being torn down): nothing left to answer.
function fatal() {
  process.exit(1);
}

patchConsole();
installAwsLambdaGlobal();
const promiseEra = runtimeMajor() >= 24;
const client = new RuntimeApiClient(process.env.AWS_LAMBDA_RUNTIME_API);
const hooks = new ErrorHooks(client, fatal);

process.on('uncaughtException', (error) => {
  logError('Uncaught Exception', error);
  hooks.report(error, 129);
});
process.on('unhandledRejection', (reason, promise) => {
  const error = new UnhandledPromiseRejection(reason, promise);
  logError('Unhandled Promise Rejection', error);
  hooks.report(error, 128);
});
process.on('beforeExit', onBeforeExit);

let loaded;
try {
  loaded = await loadHandler(process.env.LAMBDA_TASK_ROOT || process.cwd(), process.env._HANDLER ?? '', {
    promiseEra,
  });
  if (promiseEra && loaded.argumentCount >= 3 && !loaded.streaming) {
    throw new CallbackHandlerDeprecated(CALLBACK_REMOVED_MESSAGE);
  }
} catch (error) {
  // nodejs24.x reports a failed load as an "Init Error"; earlier runtimes let it escape as
  // an uncaught exception (exit status 129).
  logError(promiseEra ? 'Init Error' : 'Uncaught Exception', error);
  await client.postInitError(error).catch(() => {});
  process.exit(promiseEra ? 1 : 129);
}

if (promiseEra) {
  new PromiseRuntime(client, loaded, hooks).run().catch(fatal);
} else {
  new CallbackRuntime(client, loaded, hooks, fatal).start();
}
