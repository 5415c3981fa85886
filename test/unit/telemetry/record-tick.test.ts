import { describe, expect, it } from 'vitest';
import { rollbackLabel } from '../../../src/telemetry/record-tick.js';

describe('rollbackLabel', () => {
  it('labels a rollback by its typed cause; a person is manual', () => {
    expect(rollbackLabel({ kind: 'guardrail', guardrail: 'login-success', guardrailKind: 'compare' })).toBe(
      'guardrail',
    );
    expect(rollbackLabel({ kind: 'alert', alertname: 'LoginFailuresHigh' })).toBe('alert');
    expect(rollbackLabel({ kind: 'no_data' })).toBe('no_data');
    expect(rollbackLabel({ kind: 'person', actor: 'alice' })).toBe('manual');
    expect(rollbackLabel(undefined)).toBe('manual');
  });
});
