import { compressSpec, DEFAULT_DEMO_SCHEDULE, loadSpecFile } from '../demo/demo-spec.js';
import { parseFaultAt } from '../demo/fault-at.js';
import { FAULT_NAMES, type FaultName } from '../demo/login-service/fault-switches.js';
import { DEFAULT_DEMO_OPTIONS, PortInUseError, runDemo } from '../demo/run-demo.js';
import { parseDuration } from '../rollout-spec/duration.js';
import { type Command, EXIT, usageError } from './command.js';

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT. */
export const EXIT_INTERRUPTED = 130;

function positiveInt(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Watch rampart ramp MFA for a real login service, catch an injected bug and roll it back.',
  usage: 'rampart demo [--fault NAME|none] [--fault-at STEP|DURATION] [--port N] [--bake DURATION]',
  details: `Options:
  --fault NAME     Bug switched on in the login service: ${FAULT_NAMES.join(', ')},
                   or none (default enrollment-crossbind)
  --fault-at WHEN  A step percentage (25) or a time after the rollout started (40s); default 25
  --port N         rampart's port on 127.0.0.1 (default: a free one)
  --bake DURATION  Minimum time at each step (default 20s)
  --rate N         Login visits per second (default 30)
  --users N        Staff users of the login service (default 2000)
  -h, --help

Starts, on loopback ports: rampart (controller, API, status page; embedded flag backend with
client tokens generated at start, scrape metric source, SQLite in a fresh temp dir deleted at
exit), the demo MFA login service (its flag read by the unmodified unleash-client from rampart's
client API) and virtual staff logging in. Runs flags/mfa-staff.yaml on a compressed schedule (bake
20 s, tick 1 s, no deploy windows; steps above 25 % are approved by a simulated release manager),
switches the fault on, prints the live view and a summary with time to detect and users exposed.

Exit codes:
  0    the expected outcome: the fault was rolled back (or, with --fault none, the rollout completed)
  1    another outcome, a port in use, or a failure to start
  2    usage error
  130  interrupted (Ctrl-C); everything was shut down`,
  options: {
    fault: { type: 'string' },
    'fault-at': { type: 'string' },
    port: { type: 'string' },
    bake: { type: 'string' },
    rate: { type: 'string' },
    users: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, { io }) {
    const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    const faultText = str('fault') ?? DEFAULT_DEMO_OPTIONS.fault;
    if (faultText !== 'none' && !(FAULT_NAMES as readonly string[]).includes(faultText)) {
      return usageError(io, this, `--fault ${faultText}: valid values: ${FAULT_NAMES.join(', ')}, none`);
    }
    const fault = faultText as FaultName | 'none';
    const port = str('port') === undefined ? 0 : Number(str('port'));
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      return usageError(io, this, `--port ${str('port')}: expected an integer from 0 to 65535`);
    }
    const bakeMs =
      str('bake') === undefined ? DEFAULT_DEMO_SCHEDULE.bakeMs : parseDuration(str('bake') ?? '');
    if (bakeMs === undefined)
      return usageError(io, this, `--bake ${str('bake')}: expected a duration like 20s`);
    const rate = positiveInt(str('rate'), DEFAULT_DEMO_OPTIONS.rate);
    if (rate === undefined) return usageError(io, this, `--rate ${str('rate')}: expected a positive integer`);
    const users = positiveInt(str('users'), DEFAULT_DEMO_OPTIONS.users);
    if (users === undefined)
      return usageError(io, this, `--users ${str('users')}: expected a positive integer`);

    let steps: number[];
    try {
      steps = compressSpec(await loadSpecFile(DEFAULT_DEMO_OPTIONS.specPath), DEFAULT_DEMO_SCHEDULE).steps;
    } catch (error) {
      io.err(`rampart demo: cannot read ${DEFAULT_DEMO_OPTIONS.specPath}: ${(error as Error).message}\n`);
      return EXIT.failed;
    }
    const faultAt = parseFaultAt(str('fault-at') ?? '25', steps);
    if (!faultAt.ok) return usageError(io, this, faultAt.message);

    const abort = new AbortController();
    const onSignal = () => {
      io.err('\nrampart demo: interrupted, shutting everything down\n');
      abort.abort();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const result = await runDemo({
        ...DEFAULT_DEMO_OPTIONS,
        port,
        fault,
        faultAt: faultAt.value,
        users,
        rate,
        schedule: { ...DEFAULT_DEMO_SCHEDULE, bakeMs },
        out: io.out,
        signal: abort.signal,
      });
      if (result.outcome === 'interrupted') return EXIT_INTERRUPTED;
      return result.expected ? EXIT.ok : EXIT.failed;
    } catch (error) {
      if (error instanceof PortInUseError) {
        io.err(`rampart demo: ${error.message}\n`);
        return EXIT.failed;
      }
      io.err(`rampart demo: ${error instanceof Error ? error.message : String(error)}\n`);
      return abort.signal.aborted ? EXIT_INTERRUPTED : EXIT.failed;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
