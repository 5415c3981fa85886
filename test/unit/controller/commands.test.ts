import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/validation-error.js';
import type { CommandInput, CommandKind } from '../../../src/rollout/command.js';
import type { Phase } from '../../../src/rollout/phase.js';
import { type Harness, makeHarness, testSpec } from '../../support/controller-harness.js';

const FLAG = testSpec().flag;
const by = { actor: 'alice', reason: 'test' };

/** A person's command; promote goes one step unless `full`. */
function personCommand(kind: Exclude<CommandKind, 'alert'>, full = false): CommandInput {
  const base = { rollout: 'mfa-staff', ...by };
  return kind === 'promote' ? { ...base, kind, full } : { ...base, kind };
}

/** Brings a fresh rollout into `phase` through the public API only. */
async function inPhase(phase: Phase): Promise<Harness> {
  const h = await makeHarness();
  await h.controller.register(testSpec({ approvals: { above: 1 } }));
  const send = (kind: Exclude<CommandKind, 'alert'>, full = false) =>
    h.scheduler.applyNow(personCommand(kind, full));
  if (phase !== 'pending') await h.step('mfa-staff', 0);
  if (phase === 'awaiting_approval') await h.step('mfa-staff', 60_000);
  if (phase === 'paused') await send('pause');
  if (phase === 'soaking' || phase === 'completed') await send('promote', true);
  // testSpec soaks the default 1h; its guardrails (compare, srm) need a control arm, so none is asked.
  if (phase === 'completed') await h.step('mfa-staff', 3_600_000);
  if (phase === 'rolled_back') await send('rollback');
  expect((await h.store.getRollout('mfa-staff'))?.phase).toBe(phase);
  return h;
}

type Expected = { phase: Phase; percentage: number } | 'conflict';
const C = 'conflict' as const;
const TABLE: Record<Phase, Record<Exclude<CommandKind, 'alert'>, Expected>> = {
  pending: {
    // testSpec starts by itself, but a person may start it first: at once, windows allowing.
    start: { phase: 'ramping', percentage: 1 },
    pause: { phase: 'paused', percentage: 0 },
    resume: C,
    approve: C,
    promote: C,
    rollback: { phase: 'rolled_back', percentage: 0 },
  },
  ramping: {
    start: C,
    pause: { phase: 'paused', percentage: 1 },
    resume: C,
    approve: C,
    promote: { phase: 'ramping', percentage: 5 },
    rollback: { phase: 'rolled_back', percentage: 0 },
  },
  awaiting_approval: {
    start: C,
    pause: { phase: 'paused', percentage: 1 },
    resume: C,
    approve: { phase: 'ramping', percentage: 5 },
    promote: { phase: 'ramping', percentage: 5 },
    rollback: { phase: 'rolled_back', percentage: 0 },
  },
  paused: {
    start: C,
    pause: C,
    resume: { phase: 'ramping', percentage: 1 },
    approve: C,
    promote: C,
    rollback: { phase: 'rolled_back', percentage: 0 },
  },
  soaking: {
    start: C,
    pause: { phase: 'paused', percentage: 100 },
    resume: C,
    approve: C,
    promote: C,
    rollback: { phase: 'rolled_back', percentage: 0 },
  },
  completed: {
    start: C,
    pause: C,
    resume: C,
    approve: C,
    promote: C,
    rollback: { phase: 'rolled_back', percentage: 0 },
  },
  rolled_back: {
    start: C,
    pause: C,
    // Restarts from the first step at once (pending -> started in the same tick).
    resume: { phase: 'ramping', percentage: 1 },
    approve: C,
    promote: C,
    rollback: C,
  },
};

describe('commands in every phase', () => {
  for (const [phase, row] of Object.entries(TABLE) as [Phase, Record<string, Expected>][]) {
    for (const [kind, expected] of Object.entries(row)) {
      it(`${kind} in ${phase} -> ${expected === C ? 'RequestError conflict' : `${expected.phase} at ${expected.percentage} %`}`, async () => {
        const h = await inPhase(phase);
        const auditBefore = (await h.store.readAudit()).length;
        const submit = h.scheduler.applyNow(personCommand(kind as Exclude<CommandKind, 'alert'>));
        if (expected === C) {
          await expect(submit).rejects.toMatchObject({ name: 'RequestError', code: 'conflict' });
          await expect(submit).rejects.toThrow(
            new RegExp(`cannot ${kind} rollout mfa-staff in phase ${phase}`),
          );
          expect((await h.store.readAudit()).length).toBe(auditBefore);
          expect(await h.store.queuedCommands('mfa-staff')).toEqual([]);
          return;
        }
        const applied = await submit;
        expect(applied.status).toBe('applied');
        const state = await h.store.getRollout('mfa-staff');
        expect(state).toMatchObject({ phase: expected.phase, percentage: expected.percentage });
        const entry = (await h.store.readAudit({ rollout: 'mfa-staff', afterSeq: auditBefore }))[0];
        expect(entry).toMatchObject({ actor: 'alice', reason: 'test', fromPhase: phase });
      });
    }
  }
});

describe('command validation', () => {
  it('requires an actor and a reason', async () => {
    const h = await inPhase('ramping');
    await expect(
      h.controller.enqueue({ rollout: 'mfa-staff', kind: 'pause', actor: ' ', reason: '' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('answers an unknown rollout with RequestError not_found', async () => {
    const h = await inPhase('ramping');
    await expect(h.controller.enqueue({ rollout: 'nope', kind: 'pause', ...by })).rejects.toMatchObject({
      name: 'RequestError',
      code: 'not_found',
    });
  });

  it('rejects (and audits) a queued command that the phase no longer allows when it is applied', async () => {
    const h = await inPhase('ramping');
    const first = await h.controller.enqueue({ rollout: 'mfa-staff', kind: 'pause', ...by });
    const second = await h.controller.enqueue({
      rollout: 'mfa-staff',
      kind: 'pause',
      actor: 'bob',
      reason: 'me too',
    });
    await h.controller.tick('mfa-staff');
    expect(await h.controller.command(first.id)).toMatchObject({ status: 'applied' });
    expect(await h.controller.command(second.id)).toMatchObject({ status: 'rejected' });
    const last = (await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1);
    expect(last).toMatchObject({ action: 'command_rejected', actor: 'bob' });
  });

  it('will not resume a rollback the backend has not confirmed yet', async () => {
    const h = await inPhase('ramping');
    h.backend.failWrites = Number.POSITIVE_INFINITY;
    await h.scheduler.applyNow({ rollout: 'mfa-staff', kind: 'rollback', ...by });
    await expect(h.scheduler.applyNow({ rollout: 'mfa-staff', kind: 'resume', ...by })).rejects.toThrow(
      /not confirmed/,
    );
  });

  it('promote --full goes straight to 100 % and soaks there before it completes', async () => {
    const h = await inPhase('ramping');
    await h.scheduler.applyNow({ rollout: 'mfa-staff', kind: 'promote', full: true, ...by });
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({ phase: 'soaking', percentage: 100 });
    expect(await h.embedded.read(FLAG)).toMatchObject({ enabled: true, percentage: 100 });
    expect((await h.step('mfa-staff', 3_590_000)).state.phase).toBe('soaking');
    expect((await h.step('mfa-staff', 10_000)).state.phase).toBe('completed');
    expect((await h.actions('mfa-staff')).slice(-2)).toEqual(['promoted', 'completed']);
  });
});

describe('approvals', () => {
  it('waits for an approval before each step above approvals.above, and only there', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec({ approvals: { above: 5 } }));
    await h.step('mfa-staff', 0);
    await h.step('mfa-staff', 60_000);
    const waiting = await h.step('mfa-staff', 60_000);
    expect(waiting.state).toMatchObject({ phase: 'awaiting_approval', percentage: 5 });
    // Waiting does not advance, however long, and is audited once.
    for (let i = 0; i < 30; i++) expect((await h.step('mfa-staff')).state.percentage).toBe(5);
    expect((await h.actions('mfa-staff')).filter((a) => a === 'awaiting_approval')).toHaveLength(1);
    await h.scheduler.applyNow({
      rollout: 'mfa-staff',
      kind: 'approve',
      actor: 'rm',
      reason: 'looks good',
    });
    expect(await h.store.getRollout('mfa-staff')).toMatchObject({ phase: 'ramping', percentage: 25 });
    // The approval was for 25 %; 50 % needs its own.
    const again = await h.step('mfa-staff', 60_000);
    expect(again.state).toMatchObject({ phase: 'awaiting_approval', percentage: 25 });
  });

  it('a guardrail failure while awaiting approval still rolls back', async () => {
    const h = await inPhase('awaiting_approval');
    h.verdicts.script = { status: 'fail' };
    expect((await h.step('mfa-staff')).state.phase).toBe('rolled_back');
  });
});
