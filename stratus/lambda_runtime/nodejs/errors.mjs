// The runtime's own error types and the two shapes errors take: the document posted to the
// Runtime API ({errorType, errorMessage, trace}) and the tab-prefixed JSON written to the log.
import { types } from 'node:util';

export class ImportModuleError extends Error {}
export class HandlerNotFound extends Error {}
export class MalformedHandlerName extends Error {}
export class MalformedStreamingHandler extends Error {}
export class InvalidStreamingOperation extends Error {}
export class CallbackHandlerDeprecated extends Error {}
export class JSONStringifyError extends Error {}

export class UserCodeSyntaxError extends Error {
  constructor(cause, { keepStack = false } = {}) {
    super(String(cause));
    if (keepStack) this.stack = cause.stack; // nodejs24.x keeps the SyntaxError's own stack
  }
}

export class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}

// Sent when the event loop empties while an async handler's promise is still pending.
export class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly ' +
        'caused by a Promise that was never settled. For more information, see ' +
        'https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}

for (const type of [
  ImportModuleError,
  HandlerNotFound,
  MalformedHandlerName,
  MalformedStreamingHandler,
  InvalidStreamingOperation,
  CallbackHandlerDeprecated,
  JSONStringifyError,
  UserCodeSyntaxError,
  UnhandledPromiseRejection,
  NodeJsExit,
]) {
  type.prototype.name = `Runtime.${type.name}`;
}

export const CALLBACK_REMOVED_MESSAGE =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. ' +
  'You need to modify this function to use a supported handler signature to use Node.js 24 or later. ' +
  'For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

function looksLikeError(value) {
  return Boolean(
    value &&
      typeof value.name === 'string' &&
      value.name &&
      typeof value.message === 'string' &&
      value.message &&
      typeof value.stack === 'string' &&
      value.stack,
  );
}

// DEL cannot travel in the Lambda-Runtime-Function-Error-Type header; Lambda's runtime escapes it.
const escapeDel = (text) => (typeof text === 'string' ? text.replaceAll('\x7F', '%7F') : text);

/** What the Runtime API receives for an error (and what Invoke's caller gets back). */
export function errorDocument(error) {
  try {
    if (types.isNativeError(error) || looksLikeError(error)) {
      return {
        errorType: escapeDel(error.name),
        errorMessage: escapeDel(error.message),
        trace: typeof error.stack === 'string' ? escapeDel(error.stack).split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function withOwnFields(value) {
  if (!(value instanceof Error)) return value;
  const fields = Object.assign(
    { errorType: value.name, errorMessage: value.message, code: value.code },
    value,
  );
  if (typeof value.stack === 'string') fields.stack = value.stack.split('\n');
  return fields;
}

/** The text-format log rendering of an error: a tab, then JSON with its fields and stack. */
export function formatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_key, value) => withOwnFields(value));
  } catch {
    return '\t' + JSON.stringify(errorDocument(error));
  }
}

export function intoError(value) {
  return value instanceof Error ? value : new Error(value);
}
