import { describe, expect, it } from 'vitest';
import type { SpecScan } from '../../../src/controller/spec-directory-diff.js';
import { handleSpecRemoved } from '../../../src/controller/spec-removal.js';
import { type FileWatcher, watchSpecDirectory } from '../../../src/controller/spec-watcher.js';
import type { LoadedSpec } from '../../../src/rollout-spec/load-spec-files.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { ManualTicker } from '../../../src/time/manual-ticker.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

/** A FileWatcher whose events the test fires, per watched directory. */
class FakeWatcher implements FileWatcher {
  readonly dirs = new Map<string, () => void>();
  watch(dir: string, onChange: () => void) {
    this.dirs.set(dir, onChange);
    return { close: () => this.dirs.delete(dir) };
  }
  fire(dir = 'flags'): void {
    const fire = this.dirs.get(dir);
    if (!fire) throw new Error(`${dir} is not watched`);
    fire();
  }
}

const loaded = (name: string, overrides = {}, source = `flags/${name}.yaml`): LoadedSpec => ({
  source,
  spec: testSpec({ name, ...overrides }),
});

function setup(initial: LoadedSpec[]) {
  const ticker = new ManualTicker(new ManualClock(0));
  const watcher = new FakeWatcher();
  let disk: SpecScan | Error = { specs: initial, failedSources: new Set() };
  const calls: string[] = [];
  let scans = 0;
  const watch = watchSpecDirectory('flags', initial, {
    watcher,
    ticker,
    debounceMs: 250,
    scan: async () => {
      scans++;
      if (disk instanceof Error) throw disk;
      return disk;
    },
    handlers: {
      added: async (l) => calls.push(`added ${l.spec.name}`),
      changed: async (l) => calls.push(`changed ${l.spec.name} bake=${l.spec.bake}`),
      removed: async (l) => calls.push(`removed ${l.spec.name} ${l.source}`),
    },
  });
  return {
    watcher,
    calls,
    scans: () => scans,
    setDisk(specs: LoadedSpec[] | Error, failed: string[] = []) {
      disk = specs instanceof Error ? specs : { specs, failedSources: new Set(failed) };
    },
    async settle() {
      await ticker.advance(250);
      await watch.settled();
    },
    watch,
  };
}

describe('spec directory watch', () => {
  it('a burst of events is one scan; each later change is applied (no watch lost after a rename)', async () => {
    const t = setup([loaded('a')]);
    t.setDisk([loaded('a', { bake: '2m' })]);
    t.watcher.fire();
    t.watcher.fire();
    t.watcher.fire();
    await t.settle();
    expect(t.scans()).toBe(1);
    for (const bake of ['3m', '4m']) {
      t.setDisk([loaded('a', { bake })]);
      t.watcher.fire();
      await t.settle();
    }
    expect(t.calls).toEqual(['changed a bake=120000', 'changed a bake=180000', 'changed a bake=240000']);
  });

  it('picks up a new file, a removed one, and a renamed file with the same rollout as no change', async () => {
    const t = setup([loaded('a'), loaded('b')]);
    t.setDisk([loaded('a', {}, 'flags/renamed.yaml'), loaded('c')]);
    t.watcher.fire();
    await t.settle();
    expect(t.calls).toEqual(['removed b flags/b.yaml', 'added c']);
  });

  it('an invalid file (mid-save) keeps its rollout; an unreadable directory removes nothing', async () => {
    const t = setup([loaded('a'), loaded('b')]);
    t.setDisk([loaded('b')], ['flags/a.yaml']);
    t.watcher.fire();
    await t.settle();
    t.setDisk(new Error('ENOENT flags'));
    t.watcher.fire();
    await t.settle();
    expect(t.calls).toEqual([]);
    // The file becomes valid again with a change: applied as a change, not an addition.
    t.setDisk([loaded('a', { bake: '2m' }), loaded('b')]);
    t.watcher.fire();
    await t.settle();
    expect(t.calls).toEqual(['changed a bake=120000']);
  });

  it('watches the folders the specs are in, and stops on close', async () => {
    const t = setup([loaded('a')]);
    expect([...t.watcher.dirs.keys()]).toEqual(['flags']);
    t.setDisk([loaded('a'), loaded('n', {}, 'flags/team/n.yaml')]);
    t.watcher.fire();
    await t.settle();
    expect([...t.watcher.dirs.keys()].sort()).toEqual(['flags', 'flags/team']);
    t.setDisk([loaded('a'), loaded('n', { bake: '2m' }, 'flags/team/n.yaml')]);
    t.watcher.fire('flags/team');
    await t.settle();
    expect(t.calls).toEqual(['added n', 'changed n bake=120000']);
    t.watch.close();
    expect(t.watcher.dirs.size).toBe(0);
  });
});

describe('a removed spec file', () => {
  async function removed(prepare: (h: Awaited<ReturnType<typeof makeHarness>>) => Promise<unknown>) {
    const h = await makeHarness();
    await h.controller.register(testSpec());
    await prepare(h);
    await handleSpecRemoved(h, 'mfa-staff', 'flags/mfa-staff.yaml');
    return h;
  }

  it('pauses a running rollout and says why (audit and notification)', async () => {
    const h = await removed(async (h) => {
      await h.step('mfa-staff', 0);
      await h.step('mfa-staff', 60_000);
    });
    const state = await h.store.getRollout('mfa-staff');
    expect(state).toMatchObject({
      phase: 'paused',
      percentage: 5,
      reason: 'spec file removed: flags/mfa-staff.yaml',
    });
    expect((await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1)).toMatchObject({
      action: 'paused',
      actor: 'spec-file',
      reason: 'spec file removed: flags/mfa-staff.yaml',
    });
    expect(h.notifier.sent.at(-1)).toMatchObject({ reason: 'spec file removed: flags/mfa-staff.yaml' });
  });

  it('keeps a pending rollout paused: it never writes the flag', async () => {
    const h = await removed(async () => undefined);
    expect((await h.store.getRollout('mfa-staff'))?.phase).toBe('paused');
    await h.step('mfa-staff', 60_000);
    expect((await h.store.getRollout('mfa-staff'))?.lastWritten).toBeNull();
    expect((await h.embedded.read(testSpec().flag)).exists).toBe(false);
  });

  it('audits and notifies, but leaves alone, a rollout that cannot be paused', async () => {
    const h = await removed(async (h) => {
      await h.scheduler.applyNow({ rollout: 'mfa-staff', kind: 'rollback', actor: 'op', reason: 'test' });
    });
    expect((await h.store.getRollout('mfa-staff'))?.phase).toBe('rolled_back');
    expect((await h.store.readAudit({ rollout: 'mfa-staff' })).at(-1)).toMatchObject({
      action: 'spec_file_removed',
      actor: 'spec-file',
      reason: 'spec file removed: flags/mfa-staff.yaml; the rollout stays rolled_back with its last spec',
    });
    expect(h.notifier.sent.at(-1)).toMatchObject({ title: 'mfa-staff: spec file removed' });
  });
});
