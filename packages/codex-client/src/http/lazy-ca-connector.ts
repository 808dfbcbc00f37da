import { buildConnector } from 'undici';
import { extraCaSecureContext } from './transport.js';

/**
 * An undici `connect` function that trusts Node's roots plus `ca` for `https:` origins, building
 * that TLS context (`extraCaSecureContext`: parsing ~150 roots and the extra bundle, about 100 ms)
 * on the first `https:` connection instead of when the transport is made, so a process that only
 * talks plain HTTP (a local provider) never pays for it. `timeoutMs` is the connect timeout
 * (undici's default 10 000 ms when undefined); other connector options keep undici's defaults.
 * A PEM block that cannot be parsed fails that connection (`tls.createSecureContext`'s error).
 */
export function lazyCaConnector(
  ca: string | readonly string[],
  timeoutMs: number | undefined,
): buildConnector.connector {
  const options = timeoutMs === undefined ? {} : { timeout: timeoutMs };
  let plain: buildConnector.connector | undefined;
  let secure: buildConnector.connector | undefined;
  return (connectOptions, callback) => {
    if (connectOptions.protocol === 'https:') {
      secure ??= buildConnector({ ...options, secureContext: extraCaSecureContext(ca) });
      return secure(connectOptions, callback);
    }
    plain ??= buildConnector(options);
    return plain(connectOptions, callback);
  };
}
