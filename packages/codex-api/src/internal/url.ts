/**
 * URL helpers shared inside `@codex-ts/api` (not exported from the package entry point).
 */

/**
 * `url` as it may appear in a user-visible message: every query VALUE replaced by `***`, names and
 * everything before the `?` kept (`http://h/v1/responses?api-version=***&key=***`). Provider query
 * params (`Provider.queryParams`) may carry secrets such as API keys, and error messages get logged
 * and printed. A URL without a query is returned unchanged; a query part without `=` is a bare name
 * and is kept.
 */
export function redactUrlQuery(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const query = url
    .slice(start + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? part : `${part.slice(0, eq)}=***`;
    })
    .join('&');
  return `${url.slice(0, start)}?${query}`;
}

/** `text` with every occurrence of `url` replaced by {@link redactUrlQuery}`(url)`. */
export function redactUrlIn(text: string, url: string): string {
  if (url === '' || !url.includes('?')) return text;
  return text.split(url).join(redactUrlQuery(url));
}
