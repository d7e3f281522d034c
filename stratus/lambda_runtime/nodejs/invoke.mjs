// Running invocations, in the two programming models of Lambda's Node.js runtimes.
//
// nodejs18.x ... nodejs22.x: a handler answers by returning a promise or by calling
// `callback(error, result)` (or context.succeed/fail/done). After the callback the response
// waits for the event loop to empty unless context.callbackWaitsForEmptyEventLoop is false;
// a handler that does neither answers null once the loop empties (an async one whose
// promise never settles fails with Runtime.NodeJsExit).
//
// nodejs24.x and later: only (event, context) => value or promise; the response is posted
// as soon as the handler's promise settles.
import { JSONStringifyError, NodeJsExit } from './errors.mjs';
import { logError, setRequestId } from './logging.mjs';
import { runStreamingHandler } from './streaming.mjs';

const HEADER = {
  requestId: 'lambda-runtime-aws-request-id',
  deadline: 'lambda-runtime-deadline-ms',
  functionArn: 'lambda-runtime-invoked-function-arn',
  traceId: 'lambda-runtime-trace-id',
  clientContext: 'lambda-runtime-client-context',
  cognitoIdentity: 'lambda-runtime-cognito-identity',
  tenantId: 'lambda-runtime-aws-tenant-id',
};

// process.on('beforeExit') calls whatever the current invocation left here.
let beforeExit = () => {};
export function onBeforeExit() {
  beforeExit();
}
function setBeforeExit(action) {
  beforeExit = action;
}
function clearBeforeExit() {
  beforeExit = () => {};
}

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new Error(`Cannot parse ${name} as json: ${error.toString()}`);
  }
}

function serialize(result, ErrorType = Error) {
  try {
    return JSON.stringify(result === undefined ? null : result);
  } catch {
    throw new ErrorType('Unable to stringify response body');
  }
}

/** What one invocation carries, from the /next answer's headers. */
class Invocation {
  constructor(headers) {
    this.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    this.id = this.headers[HEADER.requestId];
    if (!this.id) throw new Error('invocation id is missing or invalid');
  }

  // Called inside the invocation's error handling: a malformed header fails the invocation.
  contextFields() {
    const deadline = Number(this.headers[HEADER.deadline]);
    const traceId = this.headers[HEADER.traceId];
    if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    return {
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: parseJsonHeader(this.headers[HEADER.clientContext], 'ClientContext'),
      identity: parseJsonHeader(this.headers[HEADER.cognitoIdentity], 'CognitoIdentity'),
      invokedFunctionArn: this.headers[HEADER.functionArn],
      awsRequestId: this.id,
      tenantId: this.headers[HEADER.tenantId],
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
  }
}

function isPromise(value) {
  return Boolean(value && typeof value.then === 'function');
}

/**
 * The process-wide error hooks: before the first invocation an uncaught error is an init
 * error, afterwards it fails the invocation in progress; either way the process then exits.
 */
export class ErrorHooks {
  constructor(client, fatal) {
    this.client = client;
    this.fatal = fatal;
    this.requestId = null;
  }

  report(error, exitCode) {
    const posted = this.requestId
      ? this.client.postError(this.requestId, error)
      : this.client.postInitError(error);
    posted.then(
      () => process.exit(exitCode),
      (failure) => this.fatal(failure),
    );
  }
}

/** nodejs18.x ... nodejs22.x. */
export class CallbackRuntime {
  constructor(client, loaded, hooks, fatal) {
    this.client = client;
    this.loaded = loaded;
    this.hooks = hooks;
    this.fatal = fatal;
  }

  start() {
    setImmediate(() =>
      this.#once().catch((error) => {
        console.log(`Unexpected Top Level Error: ${error.toString()}`);
        this.hooks.report(error, 129);
      }),
    );
  }

  async #once() {
    const { body, headers } = await this.client.next();
    const invocation = new Invocation(headers);
    setRequestId(invocation.id);
    this.hooks.requestId = invocation.id;
    if (this.loaded.streaming) return this.#stream(invocation, body);
    const { callback, context, markCompleted } = this.#callbackContext(invocation.id);
    const isAsync = this.loaded.isAsync;
    setBeforeExit(() => {
      markCompleted();
      if (isAsync) {
        const error = new NodeJsExit();
        logError('Invoke Error', error);
        this.#after(this.client.postError(invocation.id, error));
      } else {
        this.#after(this.client.postResponse(invocation.id, 'null'));
      }
    });
    try {
      const result = this.loaded.handler(
        JSON.parse(body),
        Object.assign(context, invocation.contextFields()),
        callback,
      );
      if (isPromise(result)) result.then(context.succeed, context.fail).catch(context.fail);
    } catch (error) {
      callback(error);
    }
  }

  async #stream(invocation, body) {
    setBeforeExit(() => {});
    try {
      const event = JSON.parse(body);
      const answer = await runStreamingHandler(this.loaded.handler, event, invocation.contextFields());
      this.#after(this.client.postResponse(invocation.id, answer.body, answer.contentType));
    } catch (error) {
      logError('Invoke Error', error);
      this.#after(this.client.postError(invocation.id, error));
    }
  }

  // Once Lambda has the answer, poll for the next event.
  #after(posted) {
    posted.then(
      () => this.start(),
      (failure) => this.fatal(failure),
    );
  }

  #callbackContext(requestId) {
    let completed = false;
    let waitForEmptyEventLoop = true;
    const postError = (error) => {
      logError('Invoke Error', error);
      this.#after(this.client.postError(requestId, error));
    };
    const complete = (result) => {
      if (completed) {
        console.error(
          'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
        );
        return;
      }
      completed = true;
      this.#after(this.client.postResponse(requestId, serialize(result)));
    };
    const callback = (error, result) => {
      clearBeforeExit();
      if (error !== undefined && error !== null) postError(error);
      else if (!waitForEmptyEventLoop) complete(result);
      else setBeforeExit(() => setImmediate(() => complete(result)));
    };
    const done = (error, result) => {
      clearBeforeExit();
      if (error !== undefined && error !== null) postError(error);
      else complete(result);
    };
    const succeed = (result) => done(null, result);
    const fail = (error) => (error === undefined || error === null ? done('handled') : done(error, null));

    // Only the first call of any of them counts (one that threw may be retried, as in Lambda).
    let finished = false;
    const firstOnly =
      (fn) =>
      (...args) => {
        if (!finished) {
          fn(...args);
          finished = true;
        }
      };
    const context = {
      get callbackWaitsForEmptyEventLoop() {
        return waitForEmptyEventLoop;
      },
      set callbackWaitsForEmptyEventLoop(value) {
        waitForEmptyEventLoop = value;
      },
      succeed: firstOnly(succeed),
      fail: firstOnly(fail),
      done: firstOnly(done),
    };
    return { callback: firstOnly(callback), context, markCompleted: () => (completed = true) };
  }
}

/** nodejs24.x and later. */
export class PromiseRuntime {
  constructor(client, loaded, hooks) {
    this.client = client;
    this.loaded = loaded;
    this.hooks = hooks;
  }

  async run() {
    for (;;) {
      const { body, headers } = await this.client.next();
      const invocation = new Invocation(headers);
      setRequestId(invocation.id);
      this.hooks.requestId = invocation.id;
      let answer;
      try {
        const event = JSON.parse(body);
        const context = invocation.contextFields();
        if (this.loaded.streaming) {
          answer = await runStreamingHandler(this.loaded.handler, event, context);
        } else {
          const result = await this.loaded.handler(event, context);
          answer = { body: serialize(result, JSONStringifyError), contentType: 'application/json' };
        }
      } catch (error) {
        await new Promise((resolve) => setImmediate(resolve));
        logError('Invoke Error', error);
        await this.client.postError(invocation.id, error);
        continue;
      }
      await new Promise((resolve) => setImmediate(resolve));
      await this.client.postResponse(invocation.id, answer.body, answer.contentType);
    }
  }
}
