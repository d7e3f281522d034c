// Loading the function's handler from a handler string ("file.export", "src/app.handler",
// "index.nested.fn") the way Lambda's Node.js runtime does: the file is looked up beside
// LAMBDA_TASK_ROOT with, in order, no extension, .js, .mjs and .cjs. A .js file is an ES
// module when the nearest package.json says "type": "module", CommonJS otherwise; .mjs is
// always ESM, .cjs always CommonJS. A name that is no file is resolved like require() would.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  HandlerNotFound,
  ImportModuleError,
  MalformedHandlerName,
  MalformedStreamingHandler,
  UserCodeSyntaxError,
} from './errors.mjs';

// Resolving from index.mjs makes the "Require stack" of a missing module name the runtime's
// entry point, as in Lambda.
const require = createRequire(new URL('./index.mjs', import.meta.url));

export const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
export const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';

export function parseHandler(handlerString) {
  if (handlerString.includes('..')) {
    throw new MalformedHandlerName(
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const fileAndExport = path.basename(handlerString);
  const moduleRoot = handlerString.substring(0, handlerString.indexOf(fileAndExport));
  const match = fileAndExport.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new MalformedHandlerName('Bad handler');
  return { moduleRoot, moduleName: match[1], exportPath: match[2] };
}

function tryRequire(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function tryImport(file) {
  return fs.existsSync(file) ? await import(pathToFileURL(file).href) : undefined;
}

function nearestPackageIsModule(folder) {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (dir.endsWith('/node_modules')) return false;
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
        if (pkg) return pkg.type === 'module';
      } catch (error) {
        console.warn(`${manifest} cannot be read, it will be ignored for ES module detection purposes.`, error);
        return false;
      }
    }
    if (dir === path.dirname(dir)) return false;
  }
}

function nodeMajor() {
  return Number.parseInt(process.versions.node.split('.')[0], 10);
}

// nodejs18.x ... nodejs22.x: CommonJS through require(), ES modules through import().
async function loadCallbackEra(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  const extensionless = tryRequire(base);
  if (extensionless) return extensionless;
  const typeModule = nearestPackageIsModule(path.dirname(base));
  if (!typeModule) {
    const loaded = tryRequire(`${base}.js`);
    if (loaded) return loaded;
  }
  const typeScript = nodeMajor() >= 24; // Node strips types itself from 24 on
  const loaded =
    (typeModule && (await tryImport(`${base}.js`))) ||
    (await tryImport(`${base}.mjs`)) ||
    tryRequire(`${base}.cjs`) ||
    (typeScript && !typeModule && tryRequire(`${base}.ts`)) ||
    (typeScript && typeModule && (await tryImport(`${base}.ts`))) ||
    (typeScript && (await tryImport(`${base}.mts`))) ||
    (typeScript && tryRequire(`${base}.cts`));
  if (loaded) return loaded;
  return require(require.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

// nodejs24.x and later: every candidate through import(), which also loads CommonJS.
async function loadPromiseEra(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  for (const extension of ['', '.js', '.mjs', '.cjs']) {
    const loaded = await tryImport(`${base}${extension}`);
    if (loaded) return loaded;
  }
  return require(require.resolve(moduleName, { paths: [appRoot, path.join(appRoot, moduleRoot)] }));
}

function findExport(container, exportPath) {
  return exportPath.split('.').reduce((value, key) => value && value[key], container);
}

function streamingOf(handler) {
  const mark = handler[STREAMING];
  if (mark === undefined || mark === null || mark === false) return false;
  if (mark === STREAM_RESPONSE) return true;
  throw new MalformedStreamingHandler('Only response streaming is supported.');
}

/**
 * The handler function and what the runtime needs to know about it.
 * `promiseEra` selects the nodejs24.x behaviour (all imports, `default` fallback).
 */
export async function loadHandler(appRoot, handlerString, { promiseEra = false } = {}) {
  const { moduleRoot, moduleName, exportPath } = parseHandler(handlerString);
  let container;
  try {
    container = promiseEra
      ? await loadPromiseEra(appRoot, moduleRoot, moduleName)
      : await loadCallbackEra(appRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(error, { keepStack: promiseEra });
    if (error?.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(error);
    throw error;
  }
  let handler = findExport(container, exportPath);
  if (!handler && promiseEra && container && typeof container === 'object' && 'default' in container) {
    handler = findExport(container.default, exportPath);
  }
  if (!handler) throw new HandlerNotFound(`${handlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFound(`${handlerString} is not a function`);
  const streaming = streamingOf(handler);
  return {
    handler,
    streaming,
    isAsync: handler.constructor?.name === 'AsyncFunction',
    argumentCount: handler.length,
  };
}
