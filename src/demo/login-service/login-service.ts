import express, { type Express } from 'express';
import { type Logger, pino } from 'pino';
import type { Registry } from 'prom-client';
import { errorHandler } from '../../http/error-handler.js';
import { type Clock, systemClock } from '../../time/clock.js';
import { adminRoutes } from './admin-routes.js';
import { Challenges } from './challenges.js';
import { type FaultName, FaultSwitches } from './fault-switches.js';
import { LoginMetrics, type RequestVariant } from './login-metrics.js';
import { loginRoutes } from './login-routes.js';
import { MfaEnrollments } from './mfa-enrollments.js';
import { MfaInterceptor } from './mfa-interceptor.js';
import type { MfaPolicy } from './mfa-policy.js';
import { sessionRoutes } from './session-routes.js';
import { TokenStore } from './token-store.js';
import { UserDirectory } from './user-directory.js';

export interface LoginServiceOptions {
  /** Decides who must pass MFA (the flag under rollout). */
  policy: MfaPolicy;
  /** Receives the metrics contract (docs/architecture.md); served at GET /metrics. */
  registry: Registry;
  /** Number of staff users `user-1` .. `user-N`; default 2000. */
  users?: number;
  /** scrypt cost N for the password hashes; default 128 (see UserDirectory). */
  scryptCost?: number;
  /** Faults on from the start (CLI flags). */
  faults?: readonly FaultName[];
  /** Bearer token for /admin/faults; without one the admin routes answer 403. */
  adminToken?: string;
  /**
   * A second logout within this long of a user's previous one is a bounce (`logout_users_total`
   * repeat="again"); default 30 min. The demo's compressed day sets seconds.
   */
  logoutBounceMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Sees every answered request with the user it concerned (the demo counts the users a fault hit). */
  onResponse?: (answer: AnsweredRequest) => void;
}

/** One answered request, as `onResponse` sees it. */
export interface AnsweredRequest {
  /** The route pattern, e.g. `/login`, or `unmatched`. */
  route: string;
  status: number;
  /** The user the request concerned, when the route could tell. */
  userId: string | undefined;
  variant: string;
  at: number;
}

/** A login service, not listening: mount `app` or pass it to `startLoginService`. */
export interface LoginService {
  app: Express;
  faults: FaultSwitches;
  tokens: TokenStore;
  enrollments: MfaEnrollments;
  users: UserDirectory;
  /** Closes the MFA policy (SDK timers). */
  close(): void;
}

/** Builds the demo MFA login service with every fault switch wired into its real code paths. */
export async function createLoginService(options: LoginServiceOptions): Promise<LoginService> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? pino({ enabled: false });
  const users = await UserDirectory.create({ users: options.users, scryptCost: options.scryptCost });
  const metrics = new LoginMetrics(options.registry, clock, options.logoutBounceMs);
  // A new step or a rollback starts a new epoch of the distinct-user series.
  options.policy.onFlagChange?.(() => metrics.flag.newEpoch());
  const tokens = new TokenStore();
  const enrollments = new MfaEnrollments(clock);
  const interceptor = new MfaInterceptor(enrollments);
  const challenges = new Challenges(clock);
  const faults = new FaultSwitches();
  faults.onChange((name, on) => {
    logger.warn({ fault: name, on }, 'fault switched');
    if (name === 'token-purge') on ? tokens.purge() : tokens.repair();
    if (name === 'interceptor-crash') on ? interceptor.unload() : interceptor.load();
  });
  for (const name of options.faults ?? []) faults.set(name, true);

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    if (req.path === '/metrics') return next();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const variant: RequestVariant = res.locals.variant ?? 'none';
      metrics.flag.httpRequest(variant, route, res.statusCode);
      options.onResponse?.({
        route,
        status: res.statusCode,
        userId: typeof res.locals.userId === 'string' ? res.locals.userId : undefined,
        variant,
        at: clock.now().getTime(),
      });
    });
    next();
  });
  app.use(express.json({ limit: '10kb' }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', users: users.size, faults: faults.list() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
  app.use(
    loginRoutes({
      users,
      policy: options.policy,
      tokens,
      challenges,
      enrollments,
      interceptor,
      faults,
      metrics,
      clock,
      onEnrollmentMismatch: (userId, owner) =>
        logger.error({ userId, owner }, 'MFA enrollment bound to a secret issued to another account'),
    }),
  );
  app.use(sessionRoutes(tokens, faults, metrics));
  app.use(adminRoutes(faults, options.adminToken));
  app.use(errorHandler(logger));

  return { app, faults, tokens, enrollments, users, close: () => options.policy.close?.() };
}
