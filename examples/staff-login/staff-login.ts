import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { type FlagUser, instrumentUnleash, type UnleashLike, type Variant } from 'rampart/instrument';

/** Bugs the MFA code path can ship with, switched on at start or through POST /admin/bugs. */
export const BUGS = ['mfa-5xx', 'logout-loop', 'lockout'] as const;
export type Bug = (typeof BUGS)[number];

export interface StaffLoginOptions {
  /** The service's unleash-client instance (already synchronised). */
  unleash: UnleashLike;
  /** Its prom-client registry, served at GET /metrics. */
  registry: Registry;
  /** The flag that turns MFA on; default `staff-mfa`. */
  flag?: string;
  /** Accounts `staff-1..N` and `customer-1..M`; default 200 and 200. Password: `<id>-pw`. */
  staff?: number;
  customers?: number;
  bugs?: readonly Bug[];
  /** Bearer token of POST /admin/bugs; without one the endpoint answers 403. */
  adminToken?: string;
}

/** The code every user's second factor shows: a stand-in for a real TOTP app or e-mail code. */
export const MFA_CODE = '123456';

interface Session {
  user: FlagUser;
  mfa: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A login service for staff and customers whose MFA step is the flag under rollout. */
export function createStaffLogin(options: StaffLoginOptions): {
  app: Express;
  bugs: Set<Bug>;
  close(): void;
} {
  const accounts = new Map<string, 'staff' | 'customer'>();
  for (let i = 1; i <= (options.staff ?? 200); i++) accounts.set(`staff-${i}`, 'staff');
  for (let i = 1; i <= (options.customers ?? 200); i++) accounts.set(`customer-${i}`, 'customer');
  const bugs = new Set<Bug>(options.bugs ?? []);
  const sessions = new Map<string, Session>();
  const challenges = new Map<string, FlagUser>();
  // The helper: evaluates the flag with the SDK, decides the variant (customers are out of scope
  // because the flag is constrained to accountType=staff), and records the contract's series.
  const flag = instrumentUnleash({
    unleash: options.unleash,
    flag: options.flag ?? 'staff-mfa',
    registry: options.registry,
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(flag.middleware());
  app.use(express.json({ limit: '10kb' }));

  const openSession = (res: Response, user: FlagUser, mfa: boolean) => {
    const token = randomBytes(18).toString('base64url');
    sessions.set(token, { user, mfa });
    user.sessionOpened();
    user.login('success');
    res.json({ status: 'ok', token });
  };

  app.post('/login', (req, res) => {
    const { user: userId, password } = req.body ?? {};
    const accountType = typeof userId === 'string' ? accounts.get(userId) : undefined;
    if (!accountType) throw new HttpError(401, 'wrong user or password');
    const user = flag.evaluate({ userId, properties: { accountType } }, res);
    if (password !== `${userId}-pw` || (bugs.has('lockout') && user.enabled)) {
      user.login('failure');
      throw new HttpError(401, 'wrong user or password');
    }
    if (!user.enabled) return openSession(res, user, false);
    const challenge = randomBytes(12).toString('base64url');
    challenges.set(challenge, user);
    res.json({ status: 'mfa_required', challenge });
  });

  app.post('/mfa/verify', (req, res) => {
    const user = challenges.get(String(req.body?.challenge));
    if (!user) throw new HttpError(404, 'unknown challenge');
    challenges.delete(String(req.body.challenge));
    res.locals.variant = user.variant;
    if (bugs.has('mfa-5xx')) {
      user.mfa('error');
      user.login('error');
      throw new HttpError(500, 'MFA provider unavailable');
    }
    if (req.body.code !== MFA_CODE) {
      user.mfa('failure');
      throw new HttpError(401, 'wrong code');
    }
    user.mfa('success');
    openSession(res, user, true);
  });

  const sessionOf = (req: Request, res: Response): [string, Session] => {
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const session = sessions.get(token);
    if (!session) throw new HttpError(401, 'unknown session');
    res.locals.variant = session.user.variant satisfies Variant;
    return [token, session];
  };

  app.get('/session', (req, res) => {
    const [, session] = sessionOf(req, res);
    // The logout-loop bug: MFA sessions are rejected right after login, so clients log out and retry.
    if (bugs.has('logout-loop') && session.mfa) throw new HttpError(401, 'session rejected');
    res.json({ user: session.user.userId, variant: session.user.variant });
  });

  app.post('/logout', (req, res) => {
    const [token, session] = sessionOf(req, res);
    sessions.delete(token);
    session.user.logout();
    res.status(204).end();
  });

  app.get('/healthz', (_req, res) => res.json({ status: 'ok', bugs: [...bugs] }));
  app.get('/metrics', async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
  app.post('/admin/bugs', (req, res) => {
    if (!options.adminToken) throw new HttpError(403, 'no admin token configured');
    if (req.headers.authorization !== `Bearer ${options.adminToken}`)
      throw new HttpError(401, 'bad admin token');
    const { name, on } = req.body ?? {};
    if (!BUGS.includes(name) || typeof on !== 'boolean')
      throw new HttpError(400, `name: one of ${BUGS.join(', ')}; on: boolean`);
    if (on) bugs.add(name);
    else bugs.delete(name);
    res.json({ bugs: [...bugs] });
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof HttpError ? err.status : 500;
    res.status(status).json({ message: err instanceof HttpError ? err.message : 'internal error' });
  });
  return { app, bugs, close: () => flag.close() };
}
