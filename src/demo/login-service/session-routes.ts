import { Router } from 'express';
import { RequestError } from '../../errors/request-error.js';
import type { FaultSwitches } from './fault-switches.js';
import type { LoginMetrics } from './login-metrics.js';
import { bearerToken, setVariant } from './request-helpers.js';
import { sessionAccepted } from './session-policy.js';
import type { TokenStore } from './token-store.js';

/** GET /session (is my token good?) and POST /logout. */
export function sessionRoutes(tokens: TokenStore, faults: FaultSwitches, metrics: LoginMetrics): Router {
  const router = Router();

  router.get('/session', (req, res) => {
    const session = tokens.find(bearerToken(req));
    if (!session) throw new RequestError('unauthorized', 'unknown session token');
    setVariant(res, session.variant, session.userId);
    if (!sessionAccepted(session, faults.isOn('logout-loop'))) {
      res
        .status(401)
        .json({ code: 'session_rejected', message: 'session rejected: MFA method not accepted' });
      return;
    }
    res.json({ user: session.userId, mfa: session.mfa, variant: session.variant });
  });

  router.post('/logout', (req, res) => {
    const session = tokens.revoke(bearerToken(req));
    if (!session) throw new RequestError('unauthorized', 'unknown session token');
    setVariant(res, session.variant, session.userId);
    metrics.flag.logout(session.userId, session.variant);
    res.status(204).end();
  });

  return router;
}
