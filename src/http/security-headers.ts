import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers with the CSP kept strict (default-src 'self', scripts only from rampart, no
 * inline scripts) but `upgrade-insecure-requests` and Cross-Origin-Opener-Policy sent only on
 * HTTPS requests (TLS here, or `X-Forwarded-Proto: https` from a proxy in `listen.trustedProxies`,
 * which createApp sets as express's `trust proxy`; from any other address the header is ignored).
 * Over plain HTTP at any hostname other than localhost, `upgrade-insecure-requests` makes the
 * browser fetch the page's own script and style sheet over HTTPS, which fails, and Chromium ignores
 * COOP on such origins with a console error: the page would not work at all.
 */
export function securityHeaders(): RequestHandler {
  const directives = helmet.contentSecurityPolicy.getDefaultDirectives();
  const { 'upgrade-insecure-requests': _upgrade, ...plain } = directives;
  const overHttps = helmet({ contentSecurityPolicy: { useDefaults: false, directives } });
  const overHttp = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: plain },
    crossOriginOpenerPolicy: false,
  });
  return (req, res, next) => (req.secure ? overHttps(req, res, next) : overHttp(req, res, next));
}
