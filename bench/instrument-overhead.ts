/**
 * What rampart/instrument costs a service per request and in memory: the time of one
 * `exposed` + `login` pair (two salted hashes of the user id and the counter updates) over a
 * population of distinct users, and the heap the epoch's user set holds at the default cap.
 *
 *   npm run bench:instrument [-- --users=100000 --calls=500000]
 */
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { FlagMetrics } from '../src/instrument/flag-metrics.js';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const USERS = Number(arg('users', '100000'));
const CALLS = Number(arg('calls', '500000'));

const heapMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const metrics = new FlagMetrics({ registry: new Registry(), maxUsersPerEpoch: USERS });
const ids = Array.from({ length: USERS }, (_, i) => `user-${i}@example.com`);
// First pass: every user new (map inserts); second: the steady state of returning users.
for (const pass of ['new users', 'returning users'] as const) {
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const id = ids[i % USERS] ?? '';
    const variant = i % 2 === 0 ? 'treatment' : 'control';
    metrics.exposed(id, variant);
    metrics.login(id, variant, 'success');
  }
  const us = ((performance.now() - start) * 1000) / CALLS;
  console.log(`${pass}: ${us.toFixed(2)} µs per exposed+login pair (${CALLS} pairs, ${USERS} users)`);
}
// The epoch's user set is what newEpoch() drops: the heap it frees is what the users held.
const full = heapMb();
metrics.newEpoch();
const held = full - heapMb();
console.log(
  `heap held by ${USERS} tracked users: ${held.toFixed(1)} MB (${((held * 2 ** 20) / USERS).toFixed(0)} B/user)`,
);
