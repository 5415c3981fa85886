/*
 * The one place that decides what of a URL a message or log may show (a store URL with
 * `?password=` passed the config rule and was printed in the start-up error, and a URL that failed
 * to parse was echoed whole). It lives in errors/ because every folder that reports a URL (config,
 * store, metric sources, flag backends, notifiers) may import errors/ without a folder cycle.
 */

const HIDDEN = '***';

/** Query parameters whose value is a secret (or names where one is), compared lowercased. */
export const SECRET_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'password',
  'sslpassword',
  'passfile',
  'pass',
  'pwd',
  'secret',
  'token',
  'access_token',
  'apikey',
  'api_key',
  'sslkey',
]);

const SECRET_PARAM = /(^|[?&;\s])([A-Za-z_]+)=([^&;#\s"']*)/g;

function redactParams(text: string): string {
  return text.replace(SECRET_PARAM, (all, before: string, name: string) =>
    SECRET_QUERY_PARAMS.has(name.toLowerCase()) ? `${before}${name}=${HIDDEN}` : all,
  );
}

function parses(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * `text` with every credential hidden: the password of the userinfo (`user:***@host`), the values
 * of secret query parameters (`?password=***`). A string that does not parse as a URL keeps only
 * its scheme and what follows the authority: everything after `://` up to the last `@` (or, with
 * no `@`, up to the first `/`, `?` or `#`) becomes `***`, and `password=...` anywhere is hidden.
 * Text without `://` only has its secret parameters hidden. Written as string edits, not by
 * re-serializing the URL, so the rest reads exactly as the user wrote it.
 */
export function redactUrl(text: string): string {
  const scheme = text.indexOf('://');
  if (scheme < 0) return redactParams(text);
  const head = text.slice(0, scheme + 3);
  const rest = text.slice(scheme + 3);
  const url = parses(text);
  let redacted: string;
  if (url) {
    const authorityEnd = rest.search(/[/?#]/);
    const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
    const at = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    redacted =
      at >= 0 && colon >= 0 && colon < at
        ? `${head}${authority.slice(0, colon)}:${HIDDEN}${rest.slice(at)}`
        : text;
    redacted = redactParams(redacted);
    // A parameter name written percent-encoded (`pass%77ord=`) is still `password` to a client.
    const encoded = [...url.searchParams.keys()].some((k) => SECRET_QUERY_PARAMS.has(k.toLowerCase()));
    const query = redacted.indexOf('?');
    if (encoded && query >= 0 && redacted.slice(query).includes('%')) {
      redacted = `${redacted.slice(0, query)}?${HIDDEN}`;
    }
  } else {
    const at = rest.lastIndexOf('@');
    const end = at >= 0 ? at : rest.search(/[/?#]|$/);
    redacted = redactParams(`${head}${HIDDEN}${rest.slice(end)}`);
  }
  return redacted;
}

/** `value` with every string in it passed through redactUrl, for messages that quote a value. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)]));
  }
  return value;
}
