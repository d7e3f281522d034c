// console.* as Lambda's Node.js runtime rewires it: every call becomes one log record,
// "<ISO time>\t<request id>\t<LEVEL>\t<message>" in Text format or a JSON object in JSON
// format, filtered by AWS_LAMBDA_LOG_LEVEL. Records go to the telemetry descriptor
// (_LAMBDA_TELEMETRY_LOG_FD) as frames, so a multi-line message stays one CloudWatch event;
// without that descriptor they go to stdout with newlines turned into carriage returns.
import fs from 'node:fs';
import { format } from 'node:util';
import { formatted, intoError } from './errors.mjs';

// The same global slot AWS's runtime uses, which some libraries read.
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');

// priority for filtering; mask is the level's bits in the frame type
const LEVELS = {
  TRACE: { priority: 1, mask: 0b00100 },
  DEBUG: { priority: 2, mask: 0b01000 },
  INFO: { priority: 3, mask: 0b01100 },
  WARN: { priority: 4, mask: 0b10000 },
  ERROR: { priority: 5, mask: 0b10100 },
  FATAL: { priority: 6, mask: 0b11000 },
};
const TEXT_FRAME = 0xa55a0003;
const JSON_FRAME = 0xa55a0002;

export function setRequestId(id) {
  globalThis[REQUEST_ID] = id;
}

function requestId() {
  return globalThis[REQUEST_ID];
}

function textRecord(date, level, message, params) {
  return `${date.toISOString()}\t${requestId()}\t${level}\t${format(message, ...params)}`;
}

const errorAsObject = (_key, value) => {
  if (!(value instanceof Error)) return value;
  return Object.assign(
    {
      errorType: value?.constructor?.name ?? 'UnknownError',
      errorMessage: value.message,
      stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
    },
    value,
  );
};

function jsonRecord(date, level, message, params) {
  const record = { timestamp: date.toISOString(), level, requestId: requestId() };
  if (params.length === 0) {
    // A lone object stays structured in the record; anything JSON cannot hold is formatted.
    record.message = message;
    try {
      return JSON.stringify(record, errorAsObject);
    } catch {
      record.message = format(message);
      return JSON.stringify(record);
    }
  }
  record.message = format(message, ...params);
  const error = params.find((param) => param instanceof Error);
  if (error) {
    record.errorType = error?.constructor?.name ?? 'UnknownError';
    record.errorMessage = error.message;
    record.stackTrace = typeof error.stack === 'string' ? error.stack.split('\n') : [];
  }
  return JSON.stringify(record);
}

function writeAll(fd, buffer) {
  let written = 0;
  while (written < buffer.length) {
    written += fs.writeSync(fd, buffer, written, buffer.length - written);
  }
}

function frameSink(fd, json) {
  const frameType = json ? JSON_FRAME : TEXT_FRAME;
  const render = json ? jsonRecord : textRecord;
  return (level, message, params) => {
    const date = new Date();
    const text = render(date, level, message, params) + (json ? '' : '\n');
    const body = Buffer.from(text, 'utf8');
    const header = Buffer.alloc(16);
    header.writeUInt32BE((frameType | LEVELS[level].mask) >>> 0, 0);
    header.writeUInt32BE(body.length, 4);
    header.writeBigInt64BE(BigInt(date.getTime()) * 1000n, 8);
    writeAll(fd, Buffer.concat([header, body]));
  };
}

function stdoutSink(json) {
  const render = json ? jsonRecord : textRecord;
  return (level, message, params) => {
    const line = render(new Date(), level, message, params).replace(/\n/g, '\r');
    process.stdout.write(line + '\n');
  };
}

let errorLogger = (label, error) => console.error(label, formatted(intoError(error)));

/** Log an error the runtime itself reports ("Invoke Error", "Uncaught Exception", ...). */
export function logError(label, error) {
  errorLogger(label, error);
}

export function patchConsole(env = process.env) {
  const json = env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const telemetryFd = env._LAMBDA_TELEMETRY_LOG_FD;
  delete env._LAMBDA_TELEMETRY_LOG_FD; // the function's own code never sees it
  const sink =
    telemetryFd !== undefined && telemetryFd !== ''
      ? frameSink(Number.parseInt(telemetryFd, 10), json)
      : stdoutSink(json);
  const threshold = LEVELS[env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()]?.priority ?? LEVELS.TRACE.priority;
  const method = (level) =>
    LEVELS[level].priority >= threshold ? (message, ...params) => sink(level, message, params) : () => {};
  console.trace = method('TRACE');
  console.debug = method('DEBUG');
  console.info = method('INFO');
  console.log = console.info;
  console.warn = method('WARN');
  console.error = method('ERROR');
  console.fatal = (message, ...params) => sink('FATAL', message, params);
  errorLogger = json
    ? (_label, error) => console.error(intoError(error))
    : (label, error) => console.error(label, formatted(intoError(error)));
}
