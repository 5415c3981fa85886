import type { FaultWindow } from '../rollout/fault-window.js';
import type { RollbackCause } from '../rollout/rollback-cause.js';

/** Something worth telling people: a phase change, a rollback, a pause. */
export interface Notification {
  rollout: string;
  /** Short title, e.g. "mfa-staff rolled back". */
  title: string;
  /** The reason, as written in the audit log. */
  reason: string;
  fromPhase?: string;
  toPhase: string;
  percentage: number;
  /** Why, as data, when the notification is about a rollback. */
  cause?: RollbackCause;
  /** Of a rollback and its confirmation: who may have met the fault (`rampart exposure`). */
  faultWindow?: FaultWindow;
  /** Link to the rollout on the status page. */
  url?: string;
  at: Date;
}

/** A channel for notifications. Implementations must not throw into the controller. */
export interface Notifier {
  /** Delivers one notification; retries internally; resolves even when delivery fails. */
  notify(n: Notification): Promise<void>;
}
