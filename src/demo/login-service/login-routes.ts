import { Router } from 'express';
import { z } from 'zod';
import { RequestError } from '../../errors/request-error.js';
import { parseBody } from '../../http/parse-body.js';
import type { Clock } from '../../time/clock.js';
import type { Challenges } from './challenges.js';
import type { FaultSwitches } from './fault-switches.js';
import { type LoginMetrics, type Variant, variantOf } from './login-metrics.js';
import { type MfaEnrollments, totpFor } from './mfa-enrollments.js';
import type { MfaInterceptor } from './mfa-interceptor.js';
import type { MfaPolicy } from './mfa-policy.js';
import { isServerError, setVariant } from './request-helpers.js';
import type { TokenStore } from './token-store.js';
import type { UserDirectory } from './user-directory.js';

export interface LoginRouteDeps {
  users: UserDirectory;
  policy: MfaPolicy;
  tokens: TokenStore;
  challenges: Challenges;
  enrollments: MfaEnrollments;
  interceptor: MfaInterceptor;
  faults: FaultSwitches;
  metrics: LoginMetrics;
  clock: Clock;
  onEnrollmentMismatch: (userId: string, owner: string) => void;
}

const loginBody = z.strictObject({ user: z.string().min(1).max(100), password: z.string().max(200) });
const challengeBody = z.strictObject({ challenge: z.string().min(1).max(100) });
const verifyBody = z.strictObject({
  challenge: z.string().min(1).max(100),
  code: z.string().regex(/^\d{6}$/),
});

/** POST /login, /mfa/enroll, /mfa/verify: the login flow, counted per the metrics contract. */
export function loginRoutes(d: LoginRouteDeps): Router {
  const router = Router();

  function openSession(userId: string, variant: Variant, mfa: boolean): string {
    const token = d.tokens.create({
      userId,
      variant,
      mfa,
      authMethods: mfa ? ['pwd', 'totp'] : ['pwd'],
      createdAt: d.clock.now().getTime(),
    });
    d.metrics.flag.sessionOpened(variant);
    d.metrics.flag.loginAttempt(variant, 'success', userId);
    return token;
  }

  router.post('/login', async (req, res) => {
    const body = parseBody(loginBody, req);
    const variant = variantOf(d.policy.isEnforced(body.user));
    setVariant(res, variant, body.user);
    d.metrics.flag.exposed(body.user, variant);
    try {
      if (!(await d.users.verify(body.user, body.password))) {
        d.metrics.flag.login(body.user, variant, 'failure');
        throw new RequestError('unauthorized', 'wrong user or password');
      }
      // Per user, a login succeeds at the credential step: MFA friction must not read as harm
      // (contract v2). Per attempt it still counts once the session opens, as before.
      d.metrics.flag.loginUser(body.user, variant, 'success');
      if (variant === 'control') {
        res.json({ status: 'ok', token: openSession(body.user, variant, false) });
        return;
      }
      const enrolled = d.interceptor.method('totp').isEnrolled(body.user);
      const challenge = d.challenges.create(body.user, variant);
      res.json({ status: 'mfa_required', challenge, enrollmentRequired: !enrolled });
    } catch (err) {
      if (isServerError(err)) d.metrics.flag.login(body.user, variant, 'error');
      throw err;
    }
  });

  router.post('/mfa/enroll', (req, res) => {
    const body = parseBody(challengeBody, req);
    const challenge = d.challenges.peek(body.challenge);
    if (!challenge) throw new RequestError('not_found', 'unknown or expired challenge');
    setVariant(res, challenge.variant, challenge.userId);
    if (d.interceptor.method('totp').isEnrolled(challenge.userId)) {
      throw new RequestError('conflict', `${challenge.userId} already has a TOTP secret`);
    }
    const { binding, ownerMatches } = d.enrollments.enroll(
      challenge.userId,
      d.faults.isOn('enrollment-crossbind'),
    );
    d.metrics.mfaEnrollments.inc({ variant: challenge.variant });
    if (!ownerMatches) {
      d.metrics.mfaEnrollmentOwnerMismatch.inc({ variant: challenge.variant });
      d.onEnrollmentMismatch(challenge.userId, binding.owner);
    }
    const totp = totpFor(binding);
    res.status(201).json({ secret: binding.secret.base32, uri: totp.toString() });
  });

  router.post('/mfa/verify', (req, res) => {
    const body = parseBody(verifyBody, req);
    const challenge = d.challenges.take(body.challenge);
    if (!challenge) throw new RequestError('not_found', 'unknown or expired challenge');
    const { userId, variant } = challenge;
    setVariant(res, variant, userId);
    try {
      if (!d.interceptor.method('totp').verify(userId, body.code)) {
        d.metrics.flag.mfa(userId, variant, 'failure');
        // Folded into the per-attempt login series only, which the original guardrails read; the
        // user's next attempt in the visit window is then a retry.
        d.metrics.flag.loginAttempt(variant, 'failure', userId);
        throw new RequestError('unauthorized', 'wrong or expired code');
      }
      d.metrics.flag.mfa(userId, variant, 'success');
      res.json({ status: 'ok', token: openSession(userId, variant, true) });
    } catch (err) {
      if (isServerError(err)) {
        d.metrics.flag.mfa(userId, variant, 'error');
        d.metrics.flag.login(userId, variant, 'error');
      }
      throw err;
    }
  });

  return router;
}
