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
});
