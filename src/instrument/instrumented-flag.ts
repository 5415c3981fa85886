import type { RequestHandler } from 'express';
import { FlagMetrics, type FlagMetricsOptions, type Outcome, type Variant } from './flag-metrics.js';

/** One user's evaluation of the flag, with the outcome counters bound to that user and variant. */
export interface FlagUser {
  readonly userId: string | undefined;
  /** Whether the flag is on for the user (what the service acts on). */
  readonly enabled: boolean;
  readonly variant: Variant;
  sessionOpened(): void;
  login(result: Outcome): void;
  mfa(result: Outcome): void;
  logout(): void;
}

/** How a flag is evaluated for a user: the service's own SDK call and the rollout's scope. */
export interface FlagEvaluator<C> {
  userIdOf(context: C): string | undefined;
  isEnabled(context: C): boolean;
  inScope(context: C): boolean;
}

export interface MiddlewareOptions<C> {
  /**
   * The user's context when the request alone tells (a session header, a cookie): the flag is then
   * evaluated before the route runs and the user is in `res.locals.flagUser`. Routes that learn the
   * user later (a login body) call `flag.evaluate(context, res)` themselves.
   */
  context?: (req: Parameters<RequestHandler>[0]) => C | undefined;
}

/** A flag of the service, evaluated the way the service does and measured per the metrics contract. */
export class InstrumentedFlag<C> {
  readonly metrics: FlagMetrics;

  constructor(
    private readonly evaluator: FlagEvaluator<C>,
    options: FlagMetricsOptions,
  ) {
    this.metrics = new FlagMetrics(options);
  }

  /**
   * Evaluates the flag for the user and counts the user as exposed (once per epoch). With `res`,
   * the request's `http_requests_total` carries the user's variant.
   */
  evaluate(context: C, res?: { locals: Record<string, unknown> }): FlagUser {
    const enabled = this.evaluator.isEnabled(context);
    const variant: Variant = enabled
      ? 'treatment'
      : this.evaluator.inScope(context)
        ? 'control'
        : 'out_of_scope';
    const userId = this.evaluator.userIdOf(context);
    this.metrics.exposed(userId, variant);
    const user = this.userFor(userId, variant, enabled);
    if (res) {
      res.locals.variant = variant;
      res.locals.flagUser = user;
    }
    return user;
  }

  /** A user evaluated earlier (the variant kept in a session or challenge), for later outcomes. */
  userFor(userId: string | undefined, variant: Variant, enabled = variant === 'treatment'): FlagUser {
    const m = this.metrics;
    return {
      userId,
      enabled,
      variant,
      sessionOpened: () => m.sessionOpened(variant),
      login: (result) => m.login(userId, variant, result),
      mfa: (result) => m.mfa(userId, variant, result),
      logout: () => m.logout(userId, variant),
    };
  }

  /** Counts every answered request in `http_requests_total{variant,route,code}` (`none` without a user). */
  middleware(options: MiddlewareOptions<C> = {}): RequestHandler {
    return (req, res, next) => {
      res.on('finish', () => {
        const route = (req.route as { path?: unknown } | undefined)?.path;
        const variant = res.locals.variant as Variant | undefined;
        this.metrics.httpRequest(
          variant ?? 'none',
          typeof route === 'string' ? route : 'unmatched',
          res.statusCode,
        );
      });
      const context = options.context?.(req);
      if (context !== undefined) this.evaluate(context, res);
      next();
    };
  }
}
