// Scenario validation: bad scenarios fail early with a message naming the offending field.

import { readFile } from 'node:fs/promises';
import { validateChatgptScenario } from './chatgpt.js';
import { checkCount, checkHeaders, checkStatus, fail, isObject, ScenarioError } from './checks.js';
import type { HandshakeStep, Scenario, ScenarioFile, Step, WsResponseStep, WsScenario } from './types.js';

export { ScenarioError };

/** Check one HTTP step; throws `ScenarioError`. */
export function validateStep(step: unknown, where = 'step'): asserts step is Step {
  if (!isObject(step)) fail(where, 'expected an object with a `kind`');
  switch (step.kind) {
    case 'sse': {
      if (!Array.isArray(step.events)) fail(`${where}.events`, 'expected an array of events');
      step.events.forEach((e, i) => {
        if (!isObject(e)) fail(`${where}.events[${i}]`, 'expected an event object, `{ data }` or `{ raw }`');
        if (typeof e.type !== 'string' && typeof e.raw !== 'string' && !('data' in e)) {
          fail(`${where}.events[${i}]`, 'expected a `type`, `data` or `raw` field');
        }
        checkCount(e.delayMs, `${where}.events[${i}].delayMs`);
      });
      if (step.status !== undefined) checkStatus(step.status, `${where}.status`);
      checkHeaders(step.headers, `${where}.headers`);
      checkCount(step.dropAfter, `${where}.dropAfter`);
      checkCount(step.stallAfter, `${where}.stallAfter`);
      const c = step.chunking;
      if (c !== undefined && c !== 'event' && c !== 'byte' && !(typeof c === 'number' && c >= 1)) {
        fail(`${where}.chunking`, `expected "event", "byte" or a positive number, got ${JSON.stringify(c)}`);
      }
      return;
    }
    case 'error':
      checkStatus(step.status, `${where}.status`);
      checkHeaders(step.headers, `${where}.headers`);
      if (step.body !== undefined && typeof step.body !== 'string' && typeof step.body !== 'object') {
        fail(`${where}.body`, 'expected an object or a string');
      }
      return;
    case 'hang':
      return;
    default:
      fail(
        `${where}.kind`,
        `unknown step kind ${JSON.stringify(step.kind)} (expected "sse", "error" or "hang")`,
      );
  }
}

/** Check an HTTP scenario; throws `ScenarioError`. */
export function validateScenario(scenario: unknown, where = 'scenario'): asserts scenario is Scenario {
  if (!isObject(scenario)) fail(where, 'expected an object `{ steps: [...] }`');
  if (!Array.isArray(scenario.steps)) fail(`${where}.steps`, 'expected an array of steps');
  scenario.steps.forEach((s, i) => {
    validateStep(s, `${where}.steps[${i}]`);
  });
  if (scenario.repeatLast !== undefined && typeof scenario.repeatLast !== 'boolean') {
    fail(`${where}.repeatLast`, 'expected a boolean');
  }
}

/** Check one WebSocket handshake step; throws `ScenarioError`. */
export function validateHandshakeStep(step: unknown, where = 'handshake'): asserts step is HandshakeStep {
  if (!isObject(step)) fail(where, 'expected an object with a `kind`');
  if (step.kind !== 'accept' && step.kind !== 'reject') {
    fail(`${where}.kind`, `expected "accept" or "reject", got ${JSON.stringify(step.kind)}`);
  }
  if (step.kind === 'reject') checkStatus(step.status, `${where}.status`);
  checkHeaders(step.headers, `${where}.headers`);
  checkCount(step.delayMs, `${where}.delayMs`);
}

/** Check one WebSocket response step; throws `ScenarioError`. */
export function validateWsResponseStep(step: unknown, where = 'wsResponse'): asserts step is WsResponseStep {
  if (!isObject(step)) fail(where, 'expected `{ events: [...] }` or `{ errorFrame: {...} }`');
  if (isObject(step.errorFrame)) {
    checkStatus(step.errorFrame.status, `${where}.errorFrame.status`);
    if (!isObject(step.errorFrame.error)) fail(`${where}.errorFrame.error`, 'expected an object');
  } else if (Array.isArray(step.events)) {
    step.events.forEach((e, i) => {
      if (!isObject(e) || (typeof e.type !== 'string' && typeof e.raw !== 'string' && e.binary !== true)) {
        fail(`${where}.events[${i}]`, 'expected an event object, `{ raw }` or `{ binary: true }`');
      }
    });
    checkCount(step.delayMs, `${where}.delayMs`);
    checkCount(step.dropAfter, `${where}.dropAfter`);
    checkCount(step.stallAfter, `${where}.stallAfter`);
  } else {
    fail(where, 'expected `events` (array) or `errorFrame` (object)');
  }
  if (step.closeAfter !== undefined) {
    if (!isObject(step.closeAfter) || typeof step.closeAfter.code !== 'number') {
      fail(`${where}.closeAfter`, 'expected `{ code: number, reason?: string }`');
    }
  }
}

/** Check a WebSocket scenario; throws `ScenarioError`. */
export function validateWsScenario(scenario: unknown, where = 'wsScenario'): asserts scenario is WsScenario {
  if (!isObject(scenario)) fail(where, 'expected an object `{ responses: [...] }`');
  if (!Array.isArray(scenario.responses)) fail(`${where}.responses`, 'expected an array of response steps');
  scenario.responses.forEach((s, i) => {
    validateWsResponseStep(s, `${where}.responses[${i}]`);
  });
  if (scenario.prewarm !== undefined) {
    if (!Array.isArray(scenario.prewarm)) fail(`${where}.prewarm`, 'expected an array of response steps');
    scenario.prewarm.forEach((s, i) => {
      validateWsResponseStep(s, `${where}.prewarm[${i}]`);
    });
  }
  if (scenario.handshakes !== undefined) {
    if (!Array.isArray(scenario.handshakes))
      fail(`${where}.handshakes`, 'expected an array of handshake steps');
    scenario.handshakes.forEach((s, i) => {
      validateHandshakeStep(s, `${where}.handshakes[${i}]`);
    });
  }
  for (const flag of ['autoPrewarm', 'checkPreviousResponseId', 'repeatLast'] as const) {
    if (scenario[flag] !== undefined && typeof scenario[flag] !== 'boolean')
      fail(`${where}.${flag}`, 'expected a boolean');
  }
  const limit = scenario.connectionLimitMs;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0))
    fail(`${where}.connectionLimitMs`, 'expected a non-negative number of milliseconds');
}

/**
 * Check a scenario file's content (`Scenario` plus optional `ws` and `chatgpt`); throws
 * `ScenarioError`.
 */
export function validateScenarioFile(value: unknown): asserts value is ScenarioFile {
  validateScenario(value, 'scenario');
  const ws = (value as { ws?: unknown }).ws;
  if (ws !== undefined) validateWsScenario(ws, 'scenario.ws');
  const chatgpt = (value as { chatgpt?: unknown }).chatgpt;
  if (chatgpt !== undefined) validateChatgptScenario(chatgpt, 'scenario.chatgpt');
}

/**
 * Read and validate a JSON scenario file (format: `ScenarioFile`). Throws `ScenarioError` naming the
 * file for unreadable files, invalid JSON and malformed scenarios.
 */
export async function loadScenarioFile(path: string): Promise<ScenarioFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(`${path}: cannot read scenario file (${(err as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`${path}: invalid JSON (${(err as Error).message})`);
  }
  try {
    validateScenarioFile(value);
  } catch (err) {
    throw new ScenarioError(`${path}: ${(err as Error).message}`);
  }
  return value;
}
