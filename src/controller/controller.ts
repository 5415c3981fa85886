import type { Verdict } from '../analysis/verdict.js';
import { RequestError } from '../errors/request-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { FlagBackend, FlagState } from '../flag-backends/flag-backend.js';
import { preflightGuardrails, soakGuardrails } from '../guardrails/registry.js';
import type { Notifier } from '../notify/notifier.js';
import type { AuditEntry } from '../rollout/audit.js';
import type { CommandInput, CommandOutcome, QueuedCommand } from '../rollout/command.js';
import { commandIssues } from '../rollout/command.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import { atLastStep } from '../rollout/rollout-state.js';
import { startReason } from '../rollout/start-policy.js';
import type { FlagRef, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { AuditQuery, Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import { commandConflict } from './apply-command.js';
import type { Effect, Transition } from './effects.js';
import { withGuardrailMemory } from './guardrail-memory.js';
import { KeyedQueue } from './keyed-queue.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { newRollout } from './new-rollout.js';
import { performWrite } from './perform-write.js';
import { type ResolvedAlert, resolvedAlertAudit } from './resolved-alert.js';
import { reloadStep, type SpecReloadResult } from './spec-reload.js';
import { applyCommands, decide, wantsVerdicts } from './transitions.js';
import type { VerdictSource } from './verdict-source.js';
import { writeOutcome } from './write-outcome.js';

export interface ControllerDeps {
  store: Store;
  /** The backend a spec's `flag.backend` names. */
  flagBackend: (flag: FlagRef) => FlagBackend;
  verdictSource: VerdictSource;
  clock: Clock;
  notifier?: Notifier;
  logger?: Logger;
}

/** What one tick did. */
export interface TickReport {
  state: RolloutState;
  /** Why the rollout did not advance, if it did not. */
  hold: string | null;
  /** Effects executed, in order (audit entries as written). */
  effects: Effect[];
  verdicts: Verdict[];
}

/**
 * The thin shell around the pure transitions: loads state, applies queued commands, reads the flag,
 * asks for verdicts, saves state with its audit entries in one transaction, then executes the flag
 * write (read back, retried with backoff across ticks) and notifications.
 */
export class Controller {
  private readonly logger: Logger;
  private readonly queue = new KeyedQueue();

  constructor(private readonly deps: ControllerDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** Registers a rollout from its spec: creates it `pending`, or reloads the spec of a known one. */
  async register(
    spec: RolloutSpec,
    actor = 'spec-file',
  ): Promise<{ state: RolloutState; reload?: SpecReloadResult }> {
    const existing = await this.deps.store.getRollout(spec.name);
    if (existing) {
      const reload = await this.reloadSpec(spec.name, spec, actor);
      return { state: (await this.deps.store.getRollout(spec.name)) ?? existing, reload };
    }
    const { state, audit } = newRollout(spec, actor, this.deps.clock.now());
    return { state: await this.deps.store.createRollout(state, [audit]) };
  }

  /** Applies a changed spec if it is safe, else refuses with an audit entry and keeps the old one. */
  reloadSpec(name: string, spec: RolloutSpec, actor = 'spec-file'): Promise<SpecReloadResult> {
    return this.queue.run(name, async () => {
      const state = await this.load(name);
      const { plan, save } = reloadStep(state, spec, actor, this.deps.clock.now());
      const saved = save
        ? await this.deps.store.saveRollout(save.state, {
            expectedVersion: state.version,
            audit: [save.audit],
          })
        : undefined;
      if (plan.kind === 'unchanged') return { status: 'unchanged' };
      if (plan.kind === 'unsafe') {
        if (saved) this.logger.warn({ rollout: name, problems: plan.problems }, 'spec reload refused');
        return { status: 'refused', problems: plan.problems };
      }
      return { status: 'applied', changes: plan.changes, audit: saved?.audit ?? [] };
    });
  }

  /**
   * Validates a command against the rollout's current phase and puts it in the queue; the next
   * tick applies it (Scheduler.applyNow runs that tick at once). Throws ValidationError, or
   * RequestError `not_found` or `conflict`, instead of queueing a command that cannot apply.
   */
  async enqueue(command: CommandInput): Promise<QueuedCommand> {
    // A resubmission (same dedupe key) answers with the first command, even if the state moved on.
    const first = command.dedupeKey && (await this.deps.store.commandByDedupeKey(command.dedupeKey));
    if (first) return first;
    const issues = commandIssues(command);
    if (issues.length > 0) throw new ValidationError(issues.map((i) => ({ source: 'command', ...i })));
    const state = await this.load(command.rollout);
    const conflict = commandConflict(state, command);
    if (conflict) throw new RequestError('conflict', conflict);
    return this.deps.store.enqueueCommand(command, this.deps.clock.now());
  }

  /**
   * Audits alerts of one rollout that stopped firing, once per firing that became a command; the
   * rollout is left as it is. Returns how many were audited. Throws RequestError `not_found`.
   */
  async recordResolvedAlerts(rollout: string, alerts: ResolvedAlert[]): Promise<number> {
    if (alerts.length === 0) return 0;
    const state = await this.load(rollout);
    const now = this.deps.clock.now();
    const written = await this.deps.store.auditResolvedAlerts(
      alerts.map((alert) => ({ firingKey: alert.firingKey, audit: resolvedAlertAudit(state, alert, now) })),
    );
    return written.length;
  }

  /** The command submitted with `dedupeKey` (e.g. an alert acted on before), or undefined. */
  commandByDedupeKey(dedupeKey: string): Promise<QueuedCommand | undefined> {
    return this.deps.store.commandByDedupeKey(dedupeKey);
  }

  /** One command by id (to answer "was it applied?"). */
  command(id: number): Promise<QueuedCommand | undefined> {
    return this.deps.store.getCommand(id);
  }

  status(name: string): Promise<RolloutState> {
    return this.load(name);
  }

  list(): Promise<RolloutState[]> {
    return this.deps.store.listRollouts();
  }

  audit(query?: AuditQuery): Promise<AuditEntry[]> {
    return this.deps.store.readAudit(query);
  }

  /** One control-loop iteration for one rollout. Ticks of the same rollout never overlap. */
  tick(name: string): Promise<TickReport> {
    return this.queue.run(name, () => this.runTick(name));
  }

  private async runTick(name: string): Promise<TickReport> {
    const loaded = await this.load(name);
    const now = this.deps.clock.now();
    const backend = this.deps.flagBackend(loaded.spec.flag);
    const commands = await this.deps.store.queuedCommands(name);
    // Which reads this tick needs depends on the phase after the commands; applying them is pure.
    const preview = applyCommands(loaded, commands, now).transition.state;

    let flag: FlagState | undefined;
    if (preview.phase !== 'pending') {
      try {
        flag = await backend.read(preview.spec.flag);
      } catch (error) {
        this.logger.warn(
          { rollout: name, err: String(error) },
          'flag read failed; hand changes not checked this tick',
        );
      }
    }
    const verdicts = wantsVerdicts(preview)
      ? await this.verdicts(preview, flag, now)
      : await this.preflight(preview, now);
    // The evidence the guardrails carry across ticks is saved with whatever the tick decides.
    const remembered = withGuardrailMemory(loaded, verdicts);
    const { transition: t, outcomes } = decide({ state: remembered, commands, flag, verdicts, now });

    let state = await this.commit(loaded, t, outcomes);
    const effects = [...t.effects];
    const pending = state.pendingWrite;
    if (pending && pending.nextAttemptAt.getTime() <= now.getTime()) {
      let result: FlagState | Error;
      try {
        result = await performWrite(backend, state.spec.flag, pending.write);
      } catch (error) {
        result = error instanceof Error ? error : new Error(String(error));
      }
      const written = writeOutcome(state, result, this.deps.clock.now());
      if (written.state.pendingWrite) {
        this.logger.warn(
          {
            rollout: name,
            attempts: written.state.pendingWrite.attempts,
            err: written.state.pendingWrite.lastError,
          },
          'flag write not confirmed; will retry',
        );
      }
      state = await this.commit(state, written, []);
      effects.push(...written.effects);
    }
    return { state, hold: t.hold ?? null, effects, verdicts };
  }

  private async verdicts(state: RolloutState, read: FlagState | undefined, now: Date): Promise<Verdict[]> {
    try {
      // At 100 % there is no control arm: only the guardrails that judge without one are asked.
      const spec = atLastStep(state) ? { ...state.spec, guardrails: soakGuardrails(state.spec) } : state.spec;
      return await this.deps.verdictSource.verdicts({
        spec,
        stepIndex: state.stepIndex,
        percentage: read?.enabled ? read.percentage : state.percentage,
        stepStartedAt: state.stepStartedAt,
        stepStarts: state.stepStarts,
        memory: state.guardrailMemory,
        now,
      });
    } catch (error) {
      // The VerdictSource contract says it never throws; if it does, that is no data, which holds.
      this.logger.error({ rollout: state.name, err: String(error) }, 'verdict source threw; holding');
      return [];
    }
  }

  /**
   * Before the first step, once the rollout may start: the preflight guardrails (global SLO checks),
   * so one already failing holds the start. Nothing is asked while the rollout waits for its start.
   */
  private async preflight(state: RolloutState, now: Date): Promise<Verdict[]> {
    if (state.phase !== 'pending' || startReason(state, now) === undefined) return [];
    const guardrails = preflightGuardrails(state.spec);
    if (guardrails.length === 0) return [];
    try {
      return await this.deps.verdictSource.verdicts({
        spec: { ...state.spec, guardrails },
        stepIndex: -1,
        percentage: 0,
        stepStartedAt: now,
        stepStarts: [],
        now,
      });
    } catch (error) {
      this.logger.error({ rollout: state.name, err: String(error) }, 'verdict source threw in preflight');
      return [];
    }
  }

  /** Saves the transition (state + audit + command outcomes in one transaction), then notifies. */
  private async commit(
    before: RolloutState,
    t: Transition,
    outcomes: CommandOutcome[],
  ): Promise<RolloutState> {
    const audit = t.effects.flatMap((e) => (e.type === 'audit' ? [e.entry] : []));
    if (audit.length === 0 && outcomes.length === 0 && sameState(before, t.state)) return before;
    const { state } = await this.deps.store.saveRollout(t.state, {
      expectedVersion: before.version,
      audit,
      commands: outcomes,
    });
    for (const effect of t.effects) {
      if (effect.type !== 'notify' && effect.type !== 'alert') continue;
      if (effect.type === 'alert')
        this.logger.warn(
          { rollout: state.name, reason: effect.notification.reason },
          effect.notification.title,
        );
      try {
        await this.deps.notifier?.notify(effect.notification);
      } catch (error) {
        this.logger.error({ rollout: state.name, err: String(error) }, 'notifier threw');
      }
    }
    return state;
  }

  private async load(name: string): Promise<RolloutState> {
    const state = await this.deps.store.getRollout(name);
    if (!state) throw new RequestError('not_found', `no rollout named ${name}`);
    return state;
  }
}

function sameState(a: RolloutState, b: RolloutState): boolean {
  return JSON.stringify({ ...a, updatedAt: 0 }) === JSON.stringify({ ...b, updatedAt: 0 });
}
