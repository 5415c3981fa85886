import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_LIMITS } from '../../../src/config/config-limits.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { parseConfig } from '../../../src/config/parse-config.js';

const HEAD = 'apiVersion: rampart/v1\nkind: Config\n';

function messages(text: string): string[] {
  const result = parseConfig(HEAD + text, 'rampart.yaml');
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.error.message.split('\n');
}

describe('rampart.yaml bounds', () => {
  it('refuses a file over the size limit before reading it, naming file, size and limit', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rampart-config-')), 'rampart.yaml');
    const text = `${HEAD}# ${'x'.repeat(CONFIG_LIMITS.fileBytes)}\n`;
    writeFileSync(path, text);
    const result = await loadConfig({ path });
    expect(result.ok ? '' : result.error.message).toBe(
      `${path}: the file is 256.0 KiB (${text.length} bytes); the limit is 256 KiB (262144 bytes)`,
    );
  });

  it('bounds strings and the number of entries, quoting the field and the limit', () => {
    const notifiers = Array.from({ length: CONFIG_LIMITS.notifiers + 1 }, (_, i) => `n${i}: { type: noop }`);
    expect(
      messages(
        `listen: { host: ${'h'.repeat(CONFIG_LIMITS.text + 1)} }\nnotifiers: { ${notifiers.join(', ')} }\n`,
      ),
    ).toEqual([
      `rampart.yaml:3:17: listen.host: "${'h'.repeat(58)}… is too long (2049 characters); at most 2048 characters allowed`,
      `rampart.yaml:4:12: notifiers: {"n0":{"type":"noop"},"n1":{"type":"noop"},"n2":{"type":"no…: has too many notifiers; at most 20 allowed`,
    ]);
  });
});
