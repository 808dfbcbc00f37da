// One HTTPS request for the server's TLS tests: headers sent in the given order, the CA to trust
// (none: only the system roots), bounded by a 5 s client timeout.
import { request as httpsRequest } from 'node:https';

/** What {@link httpsSend} got back. */
export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends one request to `url` trusting `ca`; rejects with the TLS or socket error. */
export function httpsSend(
  method: string,
  url: string,
  options: { headers?: Array<[string, string]>; body?: string; ca?: string | undefined } = {},
): Promise<HttpsAnswer> {
  const headers = options.headers ?? [];
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        // Raw headers keep their order; Node then adds no Host of its own.
        headers: [...headers, ['host', new URL(url).host]].flat() as unknown as Record<string, string>,
        ca: options.ca,
        agent: false,
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(options.body);
  });
}
