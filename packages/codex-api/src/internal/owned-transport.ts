/**
 * The HTTP transport of a client (internal to `@codex-ts/api`): the shared one given in its
 * options, or its own, created with the options' extra CA PEMs and closed by the client's
 * `close()`; a shared transport is never closed by the client.
 */
import { HttpTransport } from '@codex-ts/client';

/** A client's transport and how to close it. */
export interface OwnedTransport {
  transport: HttpTransport;
  /** Closes the transport when the client created it; otherwise resolves at once. */
  close(): Promise<void>;
}

/** `options.transport` (shared), else a new `HttpTransport` trusting `options.ca` (owned). */
export function ownedTransport(options: {
  transport?: HttpTransport | undefined;
  ca?: string | readonly string[] | undefined;
}): OwnedTransport {
  const shared = options.transport;
  const transport = shared ?? new HttpTransport(options.ca === undefined ? undefined : { ca: options.ca });
  return { transport, close: async () => (shared === undefined ? transport.close() : undefined) };
}
