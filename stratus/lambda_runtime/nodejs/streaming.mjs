// The `awslambda` global of Lambda's Node.js runtime: awslambda.streamifyResponse marks a
// response-streaming handler, awslambda.HttpResponseStream.from adds the HTTP prelude used
// by function URLs. Stratus answers Invoke with a buffered response, so the stream handed to
// such a handler collects what it is given and the whole body is posted once it ends.
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { InvalidStreamingOperation } from './errors.mjs';
import { HIGH_WATER_MARK, STREAMING } from './loader.mjs';

const HTTP_INTEGRATION_TYPE = 'application/vnd.awslambda.http-integration-response';
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export class BufferedResponseStream extends Writable {
  #chunks = [];
  #contentType = DEFAULT_CONTENT_TYPE;
  #started = false;

  constructor(options) {
    super(options);
  }

  setContentType(contentType) {
    // Guessed wording: Lambda refuses a content type once the body has begun.
    if (this.#started) throw new InvalidStreamingOperation('Cannot set content-type, too late.');
    this.#contentType = contentType;
  }

  get contentType() {
    return this.#contentType;
  }

  _write(chunk, encoding, callback) {
    this.#started = true;
    this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
    callback();
  }

  body() {
    return Buffer.concat(this.#chunks);
  }
}

class HttpResponseStream {
  static from(stream, prelude) {
    stream.setContentType(HTTP_INTEGRATION_TYPE);
    stream.write(JSON.stringify(prelude));
    stream.write(new Uint8Array(8)); // eight NUL bytes end the prelude
    return stream;
  }
}

export function installAwsLambdaGlobal(env = process.env) {
  const optOut = env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (optOut === '1' || optOut === 'true') return;
  globalThis.awslambda = {
    ...globalThis.awslambda,
    streamifyResponse(handler, options) {
      handler[STREAMING] = 'response';
      if (typeof options?.highWaterMark === 'number') {
        handler[HIGH_WATER_MARK] = Number.parseInt(options.highWaterMark, 10);
      }
      return handler;
    },
    HttpResponseStream,
  };
}

/** Run a streaming handler to its end: {body, contentType}, or throws what failed. */
export async function runStreamingHandler(handler, event, context) {
  const highWaterMark = Number.parseInt(handler[HIGH_WATER_MARK], 10);
  const stream = new BufferedResponseStream(Number.isNaN(highWaterMark) ? undefined : { highWaterMark });
  const pending = handler(event, stream, context);
  if (!pending || typeof pending.then !== 'function') {
    throw new InvalidStreamingOperation('Streaming does not support non-async handlers.');
  }
  const result = await pending;
  if (result !== undefined) console.warn('Streaming handlers ignore return values.');
  if (!stream.writableEnded) {
    throw new InvalidStreamingOperation('Response stream is not finished.');
  }
  if (!stream.writableFinished) await once(stream, 'finish');
  return { body: stream.body(), contentType: stream.contentType };
}
