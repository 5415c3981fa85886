import type { Verdict, VerdictStatus } from '../../src/analysis/verdict.js';
import type { VerdictRequest, VerdictSource } from '../../src/controller/verdict-source.js';
import { guardrailKind } from '../../src/guardrails/registry.js';

/** What every guardrail says at one request, and how many treatment events it saw. */
export interface Script {
  status: VerdictStatus;
  /** Treatment events (evidence.treatment.n); default 10,000. */
  treatmentN?: number;
  /** Guardrail that gets `status`; the others pass. Default: all guardrails. */
  guardrail?: string;
  onFail?: Verdict['onFail'];
}

/**
 * A hand-written VerdictSource: a test sets `next` (or a function of the request) and every
 * guardrail of the spec answers accordingly. Records every request it got.
 */
export class ScriptedVerdictSource implements VerdictSource {
  readonly requests: VerdictRequest[] = [];
  script: Script | ((req: VerdictRequest) => Script) = { status: 'pass' };

  async verdicts(req: VerdictRequest): Promise<Verdict[]> {
    this.requests.push(req);
    const s = typeof this.script === 'function' ? this.script(req) : this.script;
    return req.spec.guardrails.map((g) => {
      const status = s.guardrail === undefined || s.guardrail === g.name ? s.status : 'pass';
      const n = status === 'error' ? 0 : (s.treatmentN ?? 10_000);
      return {
        guardrail: g.name,
        kind: g.kind,
        status,
        onFail: s.onFail ?? guardrailKind(g.kind).onFail,
        reason: `${g.name}: scripted ${status}`,
        evidence: { treatment: { n }, control: { n } },
      };
    });
  }
}
