// The program of a code-mode cell's worker thread, as source text (run with `eval: true`, so it
// needs no file of its own next to the bundle). The worker owns one `node:vm` context per cell:
// the model's JavaScript runs there with only the code-mode globals (no `require`, `process`,
// `console`, file system or network). Everything the model's code can reach is created inside
// that context (a bootstrap script defines the globals around one private bridge function), and
// only primitives cross the boundary, so no object of the worker's realm (whose `Function`
// would lead to `process`) is ever handed to it.
//
// Messages to the main thread: {kind:"text"|"image"|"notify"|"yield"|"store", …},
// {kind:"call", id, name, input}, {kind:"done", ok, error?}. From it: {kind:"result", id, ok, value}.

/** The worker's source. `workerData`: `{source, tools: [{name, description}], stored: {key: json}}`. */
export const CELL_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');
const post = (message) => parentPort.postMessage(message);
// A promise of the script rejected with no handler is not an error of the script (0.169.0 went on).
process.on('unhandledRejection', () => {});
const timers = new Map();
let deliver;
let fireTimer;
let finished = false;

function bridge(op, a, b) {
  try {
    switch (op) {
      case 'text': post({ kind: 'text', text: String(a) }); return 0;
      case 'image': post({ kind: 'image', url: String(a) }); return 0;
      case 'notify': post({ kind: 'notify', text: String(a) }); return 0;
      case 'yield': post({ kind: 'yield' }); return 0;
      case 'store': post({ kind: 'store', key: String(a), json: String(b) }); return 0;
      case 'call': post({ kind: 'call', id: Number(a), name: String(b.name), input: b.input }); return 0;
      case 'setTimeout': {
        const id = Number(a);
        const handle = setTimeout(() => { timers.delete(id); if (!finished) fireTimer(id); }, Math.max(0, Number(b) || 0));
        timers.set(id, handle);
        return 0;
      }
      case 'clearTimeout': { const handle = timers.get(Number(a)); if (handle) clearTimeout(handle); timers.delete(Number(a)); return 0; }
      case 'done': finished = true; for (const h of timers.values()) clearTimeout(h); post({ kind: 'done', ok: a === 1, error: b === undefined ? undefined : String(b) }); return 0;
      default: return 1;
    }
  } catch { return 1; }
}

const context = vm.createContext(Object.create(null), { codeGeneration: { strings: true, wasm: false } });
const bootstrap = new vm.Script(${JSON.stringify(bootstrapSource())}, { filename: 'exec_bootstrap.js' });
const api = bootstrap.runInContext(context)(bridge, JSON.stringify(workerData.tools), JSON.stringify(workerData.stored));
deliver = api.deliver;
fireTimer = api.fireTimer;
parentPort.on('message', (message) => {
  if (message && message.kind === 'result') deliver(message.id, message.ok ? 1 : 0, String(message.value));
});
let main;
try {
  main = new vm.Script('(async () => {\n' + workerData.source + '\n})()', { filename: 'exec_main.mjs', lineOffset: -1 });
} catch (error) {
  bridge('done', 0, (error && error.name ? error.name + ': ' + error.message : String(error)));
}
if (main) api.start(() => main.runInContext(context));
`;

/** The bootstrap evaluated inside the context: returns `(bridge, toolsJson, storedJson) => api`. */
function bootstrapSource(): string {
  return `(function (bridge, toolsJson, storedJson) {
  'use strict';
  const parse = JSON.parse, stringify = JSON.stringify, then = Promise.prototype.then;
  const PromiseCtor = Promise, ErrorCtor = Error, StringCtor = String, defineProperty = Object.defineProperty;
  const ObjectCtor = Object, freeze = Object.freeze, keys = Object.keys;
  const pendingCalls = new Map(), timerCallbacks = new Map();
  let nextCall = 1, nextTimer = 1;
  const EXIT = {};
  // No prototype: load('toString') is undefined and store('__proto__', v) a key like any other.
  const stored = ObjectCtor.create(null);
  const storedEntries = parse(storedJson);
  for (const key of keys(storedEntries)) stored[key] = storedEntries[key];
  const toText = (value) => {
    if (typeof value === 'string') return value;
    try { const json = stringify(value); return json === undefined ? StringCtor(value) : json; } catch { return StringCtor(value); }
  };
  const globals = {
    text(value) { bridge('text', toText(value)); },
    notify(value) { bridge('notify', toText(value)); },
    image(value) {
      const url = typeof value === 'string' ? value : value && (value.image_url ?? (value.type === 'image' && value.data ? 'data:' + value.mimeType + ';base64,' + value.data : undefined));
      if (typeof url !== 'string') throw new ErrorCtor('image expects a data URL string or an object with image_url');
      bridge('image', url);
    },
    generatedImage(result) {
      const url = result && result.image_url;
      if (typeof url !== 'string' || /^https?:/i.test(url)) throw new ErrorCtor('generatedImage expects a data: image_url');
      bridge('image', url);
      if (typeof result.output_hint === 'string') bridge('text', result.output_hint);
    },
    audio() { throw new ErrorCtor('audio is not supported by this client'); },
    exit() { throw EXIT; },
    store(key, value) {
      const json = stringify(value);
      if (json === undefined) throw new ErrorCtor('store expects a JSON-serializable value');
      stored[StringCtor(key)] = json;
      bridge('store', StringCtor(key), json);
    },
    load(key) { const json = stored[StringCtor(key)]; return json === undefined ? undefined : parse(json); },
    yield_control() { bridge('yield'); },
    setTimeout(callback, delayMs) {
      const id = nextTimer++;
      timerCallbacks.set(id, callback);
      bridge('setTimeout', id, delayMs);
      return id;
    },
    clearTimeout(id) { timerCallbacks.delete(id); bridge('clearTimeout', id); },
  };
  const tools = {};
  const all = [];
  for (const tool of parse(toolsJson)) {
    all.push(freeze({ name: tool.name, description: tool.description }));
    tools[tool.name] = function (input) {
      const id = nextCall++;
      const json = input === undefined ? undefined : stringify(input);
      return new PromiseCtor((resolve, reject) => {
        pendingCalls.set(id, { resolve, reject });
        bridge('call', id, { name: tool.name, input: json });
      });
    };
  }
  // V8 gives every context a console; the script gets none (0.169.0: typeof console was "undefined").
  delete globalThis.console;
  for (const name of keys(globals)) defineProperty(globalThis, name, { value: globals[name], writable: true, configurable: true });
  defineProperty(globalThis, 'tools', { value: freeze(tools), writable: true, configurable: true });
  defineProperty(globalThis, 'ALL_TOOLS', { value: freeze(all), writable: true, configurable: true });
  // The thrown value's getters (and Error[Symbol.hasInstance]) are the script's: they may throw too.
  const errorText = (error) => {
    try {
      if (error instanceof ErrorCtor && typeof error.stack === 'string') return error.stack;
      if (error && typeof error === 'object' && typeof error.name === 'string' && 'message' in error) return StringCtor(error.name + ': ' + error.message);
      return StringCtor(toText(error));
    } catch { return 'Error: the thrown value could not be read'; }
  };
  return {
    deliver(id, ok, value) {
      const call = pendingCalls.get(id);
      if (!call) return;
      pendingCalls.delete(id);
      if (ok === 1) call.resolve(value === '' ? undefined : parse(value));
      else call.reject(value);
    },
    fireTimer(id) {
      const callback = timerCallbacks.get(id);
      timerCallbacks.delete(id);
      if (typeof callback === 'function') { try { callback(); } catch {} }
    },
    start(run) {
      let promise;
      try { promise = run(); } catch (error) {
        if (error === EXIT) bridge('done', 1); else bridge('done', 0, errorText(error));
        return;
      }
      then.call(promise, () => bridge('done', 1), (error) => error === EXIT ? bridge('done', 1) : bridge('done', 0, errorText(error)));
    },
  };
})`;
}
