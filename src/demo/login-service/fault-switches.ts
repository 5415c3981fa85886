import { DemoError } from '../demo-error.js';

/**
 * The incident's bugs. Each one is a real code path of the login service that only runs while its
 * switch is on; nothing here bumps a metric by itself.
 */
export const FAULT_NAMES = [
  'token-purge',
  'interceptor-crash',
  'logout-loop',
  'enrollment-crossbind',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** Parses a fault name from a CLI flag or request body; an unknown one lists the valid names. */
export function parseFaultName(value: unknown, where = 'fault'): FaultName {
  if (typeof value === 'string' && (FAULT_NAMES as readonly string[]).includes(value))
    return value as FaultName;
  throw new DemoError(
    'unknown_fault',
    `${where}: unknown fault ${JSON.stringify(value)}; valid faults: ${FAULT_NAMES.join(', ')}`,
  );
}

type Listener = (name: FaultName, on: boolean) => void;

/** Which faults are on. Listeners run synchronously on every change (token-purge purges when switched on). */
export class FaultSwitches {
  private readonly active = new Set<FaultName>();
  private readonly listeners: Listener[] = [];

  constructor(initial: Iterable<FaultName> = []) {
    for (const name of initial) this.active.add(name);
  }

  isOn(name: FaultName): boolean {
    return this.active.has(name);
  }

  /** Faults that are on, in declaration order. */
  list(): FaultName[] {
    return FAULT_NAMES.filter((n) => this.active.has(n));
  }

  set(name: FaultName, on: boolean): void {
    if (this.active.has(name) === on) return;
    if (on) this.active.add(name);
    else this.active.delete(name);
    for (const listener of this.listeners) listener(name, on);
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }
}
