/**
 * The session metadata behind the common log / span attributes and the metric session tags
 * (telemetry.md §2), resolved once from {@link SessionTelemetryOptions}. Internal to the package.
 */

import type { SessionTelemetryOptions } from './types.js';

/** Session metadata with the option defaults applied; `model` / `slug` change with `setModel`. */
export interface SessionMeta {
  conversationId: string;
  model: string;
  slug: string;
  accountId: string | undefined;
  accountEmail: string | undefined;
  authMode: string | undefined;
  originator: string;
  appVersion: string;
  terminalType: string;
  sessionSource: string;
  serviceName: string | undefined;
}

/** The metadata of `options`: `slug` defaults to `model`, `terminalType` to `unknown`. */
export function sessionMeta(options: SessionTelemetryOptions): SessionMeta {
  return {
    conversationId: options.conversationId,
    model: options.model,
    slug: options.slug ?? options.model,
    accountId: options.accountId,
    accountEmail: options.accountEmail,
    authMode: options.authMode,
    originator: options.originator,
    appVersion: options.appVersion,
    terminalType: options.terminalType ?? 'unknown',
    sessionSource: options.sessionSource,
    serviceName: options.serviceName,
  };
}
