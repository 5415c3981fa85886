import { describe, expect, it } from 'vitest';
import { detailView } from '../../../src/cli/status.js';
import { rolloutDetail } from '../../../src/http/rollout-view.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

describe('status of a rollout whose spec reload was refused', () => {
  it('says the file on disk differs from the running spec, with the problems, until it matches again', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec());
    await h.step('mfa-staff', 0);
    await h.step('mfa-staff', 60_000);
    const flag = testSpec().flag;
    const view = async () =>
      rolloutDetail(
        await h.controller.status('mfa-staff'),
        undefined,
        await h.embedded.read(flag),
        h.clock.now(),
      );

    expect((await view()).refusedSpec).toBeNull();
    expect(detailView(await view())).not.toMatch(/spec file/);

    await h.controller.reloadSpec('mfa-staff', testSpec({ steps: [1, 2, 100] }));
    const refused = await view();
    expect(refused.refusedSpec).toEqual({
      problems: [
        'steps [1, 2, 100] do not contain the live 5 %: the rollout would drop below it or jump over it',
      ],
    });
    expect(detailView(refused)).toContain(
      'spec file on disk differs from the running spec: its reload was refused\n  - steps [1, 2, 100] do not contain the live 5 %',
    );

    await h.controller.reloadSpec('mfa-staff', testSpec());
    expect((await view()).refusedSpec).toBeNull();
  });
});
