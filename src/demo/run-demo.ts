import { createServer } from 'node:net';
import type { Logger } from 'pino';
import { formatDuration } from '../rollout-spec/duration.js';
import {
  compressSpec,
  DEFAULT_DEMO_SCHEDULE,
  type DemoSchedule,
  FLAGSHIP_SPEC_PATH,
  loadSpecFile,
} from './demo-spec.js';
import { type DemoStack, startDemoStack } from './demo-stack.js';
import { exposureRows } from './exposure-check.js';
import { describeFaultAt, type FaultAt } from './fault-at.js';
import type { FaultName } from './login-service/fault-switches.js';
import { type IncidentResult, playDemoIncident, RELEASE_MANAGER } from './play-demo-incident.js';
import type { TrafficStats } from './traffic/traffic-stats.js';

export interface DemoOptions {
  /** rampart's port; 0 picks a free one. */
  port: number;
  fault: FaultName | 'none';
  faultAt: FaultAt;
  users: number;
  /** Visits per second. */
  rate: number;
  seed: number;
  schedule: DemoSchedule;
  specPath: string;
  /** Give up (exit 1) after this long. */
  timeoutMs: number;
  out: (text: string) => void;
  signal?: AbortSignal;
  logger?: Logger;
}

export const DEFAULT_DEMO_OPTIONS: Omit<DemoOptions, 'out'> = {
  port: 0,
  fault: 'enrollment-crossbind',
  faultAt: { kind: 'step', percentage: 25 },
  users: 2000,
  rate: 30,
  seed: 1,
  schedule: DEFAULT_DEMO_SCHEDULE,
  specPath: FLAGSHIP_SPEC_PATH,
  timeoutMs: 5 * 60_000,
};

export interface DemoResult extends IncidentResult {
  traffic: TrafficStats;
  wallMs: number;
  /** After a rollback: which SDK instances fetched the flag off (rampart's fleet confirmation). */
  fleet?: string;
}

/** The rollback's fleet confirmation once settled (it follows the SDKs' next fetch), or as it stands. */
async function settledFleet(stack: DemoStack, rollout: string): Promise<string | undefined> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const view = stack.rampart.fleet?.view(rollout);
    if ((view && !view.waiting) || Date.now() > deadline) return view?.summary;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A port in use, told before anything starts (rampart's own error would come after the store opened). */
export class PortInUseError extends Error {}

function checkPortFree(port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(
              `port ${port} on 127.0.0.1 is in use: stop what runs there or pick another --port`,
            )
          : error,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function summary(r: DemoResult, o: DemoOptions, stack: DemoStack): string {
  const rows: [string, string][] = [];
  const t = r.traffic;
  rows.push(['outcome', `${r.phase} at ${r.percentage} % (highest step reached: ${r.maxPercentage} %)`]);
  if (o.fault === 'none') rows.push(['fault', 'none']);
  else if (r.faultOnAt === undefined) rows.push(['fault', `${o.fault} was never switched on`]);
  else rows.push(['fault', `${o.fault}, switched on at ${r.faultOnPercentage} %`]);
  if (r.rollback) {
    rows.push(['rollback', `by ${r.rollback.actor} at ${r.rollback.fromPercentage} %: ${r.rollback.reason}`]);
    if (r.faultOnAt !== undefined)
      rows.push(['time to detect', `${s(r.rollback.at - r.faultOnAt)} (fault on -> rollback decided)`]);
    if (r.effectiveAt !== undefined)
      rows.push([
        'rollback effective',
        `${s(r.effectiveAt - r.rollback.at)} later (the SDK saw the flag off)`,
      ]);
    if (r.fleet) rows.push(['fleet confirmed', r.fleet]);
  }
  if (r.exposure)
    rows.push([
      'users exposed',
      `${r.exposure.users} of ${stack.userIds.length}: ${r.exposure.what}, before the rollback took effect`,
    ]);
  if (r.exposureCheck) rows.push(...exposureRows(r.exposureCheck));
  if (o.fault === 'token-purge' && r.rollback)
    rows.push([
      'note',
      'token-purge hits control users too: turning the flag off does not repair the token store',
    ]);
  if (r.approvals.length > 0)
    rows.push([
      'approvals',
      `${r.approvals.map((p) => `${p} %`).join(', ')} granted by the ${RELEASE_MANAGER}`,
    ]);
  rows.push([
    'traffic',
    `${t.arrivals} visits, ${t.loginsOk} logins ok, ${t.loginsFailed} refused, ${t.errors} errors, ` +
      `${t.enrollments} MFA enrollments, ${t.relogins} re-logins`,
  ]);
  rows.push(['wall time', s(r.wallMs)]);
  rows.push([
    'result',
    r.expected
      ? o.fault === 'none'
        ? 'as expected: no fault, the rollout completed'
        : 'as expected: the fault was caught and rolled back'
      : o.fault === 'none'
        ? 'NOT as expected: the rollout did not complete'
        : 'NOT as expected: the fault was not rolled back',
  ]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return `\n── summary ${'─'.repeat(60)}\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

/**
 * `rampart demo`: starts rampart, the login service and its traffic on loopback, ramps the
 * flagship rollout on a compressed schedule, switches a fault on, prints the live view and a
 * summary, and stops everything again (also on Ctrl-C, via `signal`).
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const startedAt = Date.now();
  const { out } = options;
  await checkPortFree(options.port);
  const spec = compressSpec(await loadSpecFile(options.specPath), options.schedule);
  out(
    `rampart demo: ramping ${spec.name} (${spec.steps.join(' -> ')} %) for ${options.users} staff users, ` +
      `~${options.rate} visits/s\n` +
      `  schedule: bake ${formatDuration(spec.bake)}, tick ${formatDuration(spec.tick)}, ` +
      `minSamples ${spec.minSamples}, no deploy windows; approvals above ${spec.approvals?.above ?? '-'} % ` +
      `are granted by a simulated release manager\n` +
      `  fault: ${options.fault === 'none' ? 'none' : `${options.fault} ${describeFaultAt(options.faultAt)}`}\n`,
  );
  const stack = await startDemoStack({
    spec,
    specSource: options.specPath,
    port: options.port,
    users: options.users,
    rate: options.rate,
    seed: options.seed,
    logger: options.logger,
  });
  try {
    out(
      `  status page:    ${stack.rampart.url}/  (operator token: ${stack.operatorToken})\n` +
        `  login service:  ${stack.login.url}   flags read by unleash-client from ${stack.rampart.url}/api/client\n` +
        '  Ctrl-C stops everything.\n\n',
    );
    const incident = await playDemoIncident(stack, {
      fault: options.fault,
      faultAt: options.faultAt,
      out: (line) => out(`${line}\n`),
      startedAt,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    await stack.traffic.stop({ graceMs: 500 });
    const fleet = incident.rollback ? await settledFleet(stack, spec.name) : undefined;
    const result: DemoResult = {
      ...incident,
      traffic: stack.traffic.summary(),
      wallMs: Date.now() - startedAt,
      ...(fleet ? { fleet } : {}),
    };
    if (incident.outcome !== 'interrupted') out(summary(result, options, stack));
    return result;
  } finally {
    await stack.close();
  }
}
