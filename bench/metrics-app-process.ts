/**
 * The benchmark's app, in its own process so its scrapes and traffic do not count as rampart's CPU or
 * RSS: a TestMetricsApp with one label set per rollout and steady traffic. Prints `PORT <n>` when ready.
 *
 *   node --import tsx bench/metrics-app-process.ts <rollouts>
 */
import { TestMetricsApp } from '../test/support/test-metrics-app.js';

const rollouts = Number(process.argv[2] ?? 200);
const names = Array.from({ length: rollouts }, (_, i) => `r-${String(i).padStart(3, '0')}`);
const app = new TestMetricsApp(names.map((rollout) => ({ rollout })));
await app.start();
setInterval(() => {
  for (const rollout of names) {
    const extra = { rollout };
    app.login('control', 'success', 20, extra);
    app.login('treatment', 'success', 1, extra);
    app.login('control', 'failure', 1, extra);
    app.count('logouts_total', 'control', 2, extra);
    app.count('flag_exposures_total', 'control', 5, extra);
    app.count('flag_exposures_total', 'treatment', 1, extra);
  }
}, 100);
process.on('SIGTERM', () => {
  void app.stop().then(() => process.exit(0));
});
console.log(`PORT ${app.port}`);
