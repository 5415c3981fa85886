/**
 * Webhook latency during a hostile reload: a real `rampart run` on loopback, hostile spec files
 * (the slowest text under the size limit, duplicate keys, deep nesting, an alias bomb, garbage, the
 * largest valid spec, 2 MB and 30 MB files) rewritten in its watched directory every `--interval`
 * ms, while Alertmanager alerts roll a rollout back one after another. Prints the answer times
 * (p50/p99/max) with the reload and, for comparison, without it. Target: p99 < 100 ms.
 *
 *   npm run bench:hostile-reload [-- --seconds=30 --interval=300]
 */
import { startAttackDaemon } from '../test/attack/support/attack-daemon.js';
import { quantile, runHostileReload } from '../test/attack/support/hostile-reload.js';
import { RecordingClient, startWebhookSink } from '../test/attack/support/recording-client.js';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const SECONDS = Number(arg('seconds', '30'));
const INTERVAL = Number(arg('interval', '300'));

const sink = await startWebhookSink();
const daemon = await startAttackDaemon({ webhookSink: sink.url });
try {
  const client = new RecordingClient(daemon.url);
  const start = await client.as('operator', 'POST', '/api/rollouts/mfa-staff/start', { reason: 'bench' });
  if (start.status !== 202) throw new Error(`start: ${start.status} ${start.text}`);
  // Warm-up (JIT, the spec loader's worker starting), not measured.
  await runHostileReload({
    client,
    specsDir: daemon.specsDir,
    rollout: 'mfa-staff',
    durationMs: 3_000,
    intervalMs: undefined,
  });
  const quiet = await runHostileReload({
    client,
    specsDir: daemon.specsDir,
    rollout: 'mfa-staff',
    durationMs: 10_000,
    intervalMs: undefined,
  });
  const hostile = await runHostileReload({
    client,
    specsDir: daemon.specsDir,
    rollout: 'mfa-staff',
    durationMs: SECONDS * 1000,
    intervalMs: INTERVAL,
  });
  const row = (name: string, r: typeof quiet) =>
    `${name.padEnd(16)} ${String(r.latencies.length).padStart(5)} alerts  p50 ${quantile(r.latencies, 0.5).toFixed(1)} ms  p99 ${quantile(r.latencies, 0.99).toFixed(1)} ms  max ${Math.max(...r.latencies).toFixed(1)} ms  failed ${r.failed.length}`;
  console.log(
    `webhook answer times, node ${process.version}, ${SECONDS} s of hostile reload every ${INTERVAL} ms (${hostile.rounds} rounds)`,
  );
  console.log(row('quiet', quiet));
  console.log(row('hostile reload', hostile));
  for (const f of hostile.failed.slice(0, 5)) console.log(`  ${f}`);
} finally {
  await daemon.dispose();
  await sink.close();
}
