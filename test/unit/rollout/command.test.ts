import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../../src/rollout/command.js';
import { commandIssues } from '../../../src/rollout/command.js';

describe('commandIssues', () => {
  it('accepts a well-formed command', () => {
    expect(
      commandIssues({ rollout: 'r', kind: 'promote', full: false, actor: 'alice', reason: 'go' }),
    ).toEqual([]);
  });

  it('checks at run time what untyped callers may get wrong', () => {
    const bad = { rollout: 'r', kind: 'alert', actor: ' ', reason: '' } as unknown as CommandInput;
    expect(commandIssues(bad).map((i) => i.path)).toEqual(['actor', 'reason', 'alert']);
    const unknown = { rollout: 'r', kind: 'explode', actor: 'a', reason: 'b' } as unknown as CommandInput;
    expect(commandIssues(unknown)).toEqual([
      {
        path: 'kind',
        message: '"explode" is not one of start, pause, resume, approve, promote, rollback, alert',
      },
    ]);
  });

  it('rejects a reason made only of zero-width, control and whitespace characters', () => {
    for (const reason of ['\u200b\u200c\u200d', '\u2060\ufeff \u001b\u0007', '\u0085\u009b\u007f\t']) {
      const issues = commandIssues({ rollout: 'r', kind: 'pause', actor: 'alice', reason });
      expect(issues).toEqual([
        {
          path: 'reason',
          message:
            'reason has no visible characters (only whitespace, zero-width or control characters); say why in words',
        },
      ]);
    }
    expect(
      commandIssues({ rollout: 'r', kind: 'pause', actor: '\u200b\u0000', reason: 'fine' }).map(
        (i) => i.path,
      ),
    ).toEqual(['actor']);
  });

  it('accepts a reason with visible text around invisible characters', () => {
    expect(
      commandIssues({ rollout: 'r', kind: 'pause', actor: 'alice', reason: '\u200bstop\u200b' }),
    ).toEqual([]);
  });
});
