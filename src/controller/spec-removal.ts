import type { Notifier } from '../notify/notifier.js';
import { auditEntry } from '../rollout/audit.js';
import type { CommandInput } from '../rollout/command.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time/clock.js';
import { commandConflict } from './apply-command.js';
import type { Controller } from './controller.js';
import type { Scheduler } from './scheduler.js';

/** The actor of everything rampart does because a spec file changed. */
const SPEC_FILE_ACTOR = 'spec-file';

export interface SpecRemovalDeps {
  controller: Controller;
  scheduler: Pick<Scheduler, 'applyNow'>;
  store: Pick<Store, 'appendAudit'>;
  notifier: Notifier;
  clock: Clock;
}

/**
 * The spec file of a rollout is gone. Nobody meant a rollout to go on without its spec, and
 * nobody may have meant it to stop either (a botched checkout), so rampart does the one safe thing:
 * a rollout that can be paused (pending, ramping, awaiting approval) is paused with the reason,
 * through the same command a person would send (audited, notified); a pending one stays paused and
 * writes nothing. A paused, completed or rolled-back one is left as it is, with an audit entry and
 * a notification. Either way the rollout keeps being ticked with its last spec (hand changes are
 * still noticed, a pending write still retried) until a person acts or the file comes back.
 */
export async function handleSpecRemoved(deps: SpecRemovalDeps, name: string, source: string): Promise<void> {
  const state = await deps.controller.status(name);
  const reason = `spec file removed: ${source}`;
  const pause: CommandInput = { rollout: name, kind: 'pause', actor: SPEC_FILE_ACTOR, reason };
  if (commandConflict(state, pause) === undefined) {
    await deps.scheduler.applyNow(pause);
    return;
  }
  const at = deps.clock.now();
  const why = `${reason}; the rollout stays ${state.phase} with its last spec`;
  await deps.store.appendAudit([
    auditEntry(state, state, {
      at,
      actor: SPEC_FILE_ACTOR,
      action: 'spec_file_removed',
      reason: why,
      evidence: { source },
    }),
  ]);
  await deps.notifier.notify({
    rollout: name,
    title: `${name}: spec file removed`,
    reason: why,
    fromPhase: state.phase,
    toPhase: state.phase,
    percentage: state.percentage,
    at,
  });
}
