// A client of the Lambda Runtime API (2018-06-01), the only channel between this runtime and
// Lambda: long-poll for the next event, post its response or error, or report a failed init.
import http from 'node:http';
import { errorDocument } from './errors.mjs';

const PREFIX = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';

// Header values must be visible ASCII; an error name could be anything.
function headerSafe(text) {
  return String(text).replace(/[^\t\x20-\x7e]/g, (char) => encodeURIComponent(char));
}

export class RuntimeApiClient {
  constructor(address) {
    if (!address) throw new Error('Missing Runtime API Server configuration.');
    const colon = address.lastIndexOf(':');
    this.host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    this.port = Number.parseInt(address.slice(colon + 1), 10);
    // One kept-alive connection; the agent unrefs it while idle, so it never keeps the
    // event loop (and with it "beforeExit") from happening.
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  /** The next event: {body, headers}; waits as long as Lambda has none. */
  async next() {
    const { body, headers } = await this.#request('GET', `${PREFIX}/invocation/next`);
    return { body: body.toString('utf8'), headers };
  }

  postResponse(requestId, body, contentType = 'application/json') {
    const path = `${PREFIX}/invocation/${encodeURIComponent(requestId)}/response`;
    return this.#request('POST', path, body, { 'Content-Type': contentType });
  }

  postError(requestId, error) {
    const path = `${PREFIX}/invocation/${encodeURIComponent(requestId)}/error`;
    return this.#postErrorDocument(path, error);
  }

  postInitError(error) {
    return this.#postErrorDocument(`${PREFIX}/init/error`, error);
  }

  #postErrorDocument(path, error) {
    const document = errorDocument(error);
    return this.#request('POST', path, JSON.stringify(document), {
      'Content-Type': 'application/json',
      [ERROR_TYPE_HEADER]: headerSafe(document.errorType),
    });
  }

  #request(method, path, body, headers = {}) {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body);
      if (payload) headers['Content-Length'] = payload.length;
      const request = http.request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent },
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }
}
