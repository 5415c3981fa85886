import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The repository must stand on its own: no file may point at notes kept outside it. The names are
// assembled here so that this file does not match itself.
const OUTSIDE = [['..', 'shared'].join('/'), `${'DESIGN'}.md`, `${'SCENARIOS'}.md`];

function trackedFiles(): string[] {
  const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0');
  // A file deleted in the work tree but not yet in the index is gone either way.
  return files.filter((file) => file !== '' && existsSync(file));
}

describe('references outside the repository', () => {
  it('no tracked text file mentions notes kept outside the repository', () => {
    const hits = trackedFiles().flatMap((file) => {
      const bytes = readFileSync(file);
      if (bytes.includes(0)) return []; // binary
      const text = bytes.toString('utf8');
      return text.split('\n').flatMap((line, i) => {
        const found = OUTSIDE.filter((name) => line.includes(name));
        return found.length === 0 ? [] : [`${file}:${i + 1}: ${found.join(', ')}`];
      });
    });
    expect(hits).toEqual([]);
  });
});
