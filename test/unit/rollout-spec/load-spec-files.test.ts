import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listYamlFiles, loadRolloutSpecs, peekKind } from '../../../src/rollout-spec/load-spec-files.js';
import { parseRolloutSpec } from '../../../src/rollout-spec/parse-rollout-spec.js';

const spec = (name: string) =>
  `apiVersion: rampart/v1\nkind: Rollout\nname: ${name}\nflag: { backend: embedded, name: ${name} }\nsteps: [1, 100]\nguardrails:\n  - name: z\n    zero: { metric: m }\n`;

describe('the shipped specs', () => {
  it('flags/ holds valid rollouts: mfa-staff and the examples', async () => {
    const { specs, error } = await loadRolloutSpecs(['flags']);
    expect(error?.message).toBeUndefined();
    expect(specs.map((s) => s.spec.name).sort()).toEqual(['login-latency', 'mfa-staff', 'new-checkout']);
    const mfa = specs.find((s) => s.spec.name === 'mfa-staff')?.spec;
    expect(mfa?.steps).toEqual([1, 5, 25, 50, 100]);
    expect(mfa?.windows).toEqual({
      allow: '* 9-15 * * 1-4',
      deny: ['* 14 * * *'],
      timezone: 'Europe/Berlin',
    });
    expect(mfa?.approvals).toEqual({ above: 25 });
    expect(mfa?.guardrails.map((g) => `${g.kind}:${g.name}`)).toEqual([
      'users:password-failures',
      'users:server-errors',
      'users:logout-loop',
      'threshold:global-login-success',
      'zero:enrollment-integrity',
      'srm:exposure-balance',
    ]);
  });
});

describe('loadRolloutSpecs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-specs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('skips hidden entries: a ConfigMap volume (..data -> ..TIMESTAMP) loads each spec once', async () => {
    const stamp = join(dir, '..2026_12_03_15_00_00.1');
    mkdirSync(stamp);
    writeFileSync(join(stamp, 'a.yaml'), spec('a'));
    symlinkSync('..2026_12_03_15_00_00.1', join(dir, '..data'));
    symlinkSync('..data/a.yaml', join(dir, 'a.yaml'));
    writeFileSync(join(dir, '.a.yaml.swp'), 'not yaml');
    const { specs, error } = await loadRolloutSpecs([dir]);
    expect(error).toBeUndefined();
    expect(specs.map((s) => s.source)).toEqual([join(dir, 'a.yaml')]);
  });

  it('finds *.yaml and *.yml recursively, skips other kinds and other files', async () => {
    mkdirSync(join(dir, 'team', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'a.yaml'), spec('a'));
    writeFileSync(join(dir, 'team', 'deep', 'b.yml'), spec('b'));
    writeFileSync(join(dir, 'rampart.yaml'), 'apiVersion: rampart/v1\nkind: Config\n');
    writeFileSync(join(dir, 'notes.txt'), 'not yaml');
    const { specs, error } = await loadRolloutSpecs([dir]);
    expect(error).toBeUndefined();
    expect(specs.map((s) => s.source)).toEqual([join(dir, 'a.yaml'), join(dir, 'team', 'deep', 'b.yml')]);
  });

  it('fails on a misspelt kind (Rollouts) with the message of rampart validate, never skips it', async () => {
    const file = join(dir, 'typo.yaml');
    const text = spec('t').replace('kind: Rollout', 'kind: Rollouts');
    writeFileSync(file, text);
    const { specs, error } = await loadRolloutSpecs([dir]);
    expect(specs).toEqual([]);
    const parsed = parseRolloutSpec(text, file);
    expect(parsed.ok).toBe(false);
    expect(error?.issues).toEqual(parsed.ok ? [] : parsed.error.issues);
    expect(error?.message).toBe(
      `${file}:2:7: kind: "Rollouts" is not allowed; did you mean "Rollout"? allowed: "Rollout"`,
    );
  });

  it('collects the issues of every file and rejects duplicate rollout names', async () => {
    writeFileSync(join(dir, 'a.yaml'), spec('same'));
    writeFileSync(join(dir, 'b.yaml'), spec('same'));
    writeFileSync(join(dir, 'c.yaml'), spec('c').replace('[1, 100]', '[1, 50]'));
    const { specs, error } = await loadRolloutSpecs([dir, join(dir, 'missing.yaml')]);
    expect(specs.map((s) => s.spec.name)).toEqual(['same']);
    expect(error?.message.split('\n')).toEqual([
      `${join(dir, 'missing.yaml')}: no such file or directory`,
      `${join(dir, 'b.yaml')}: name: "same" is already the name of ${join(dir, 'a.yaml')}`,
      `${join(dir, 'c.yaml')}:5:12: steps[1]: 50 is not allowed; the last step must be 100`,
    ]);
  });

  it('skips what is not a regular file in a folder: a FIFO would block, /dev/zero never ends', async () => {
    writeFileSync(join(dir, 'ok.yaml'), spec('ok'));
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const { specs, error } = await loadRolloutSpecs([dir]);
    expect(error?.message).toBeUndefined();
    expect(specs.map((s) => s.spec.name)).toEqual(['ok']);
  });

  it('never reads past the size limit, even from a file that is larger than its stat said', async () => {
    const { specs, error } = await loadRolloutSpecs(['/dev/zero']);
    expect(specs).toEqual([]);
    expect(error?.issues.map((i) => i.message)).toEqual([
      'the file holds more than 64 KiB; the limit is 64 KiB',
    ]);
  });

  it('lists an explicitly named file whatever its extension', async () => {
    writeFileSync(join(dir, 'spec.txt'), spec('t'));
    expect(await listYamlFiles([join(dir, 'spec.txt'), join(dir, 'nope')])).toEqual({
      files: [join(dir, 'spec.txt')],
      missing: [join(dir, 'nope')],
    });
  });
});

describe('peekKind', () => {
  it('reads kind without validating', () => {
    expect(peekKind('kind: Config\nwhatever: 1')).toBe('Config');
    expect(peekKind('kind: [')).toBeUndefined();
    expect(peekKind('- a')).toBeUndefined();
  });
});
