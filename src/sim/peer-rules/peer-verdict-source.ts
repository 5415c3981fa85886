import type { Verdict } from '../../analysis/verdict.js';
import type { VerdictRequest, VerdictSource } from '../../controller/verdict-source.js';
import type { PeerCheckSet } from '../../guardrails/peer-check.js';
import type { MetricSource } from '../../metric-sources/metric-source.js';
import { runPeerChecks } from './peer-checks.js';
import type { PeerRule } from './peer-rule.js';

/**
 * Puts a peer's decision rule in place of rampart's judgement, on the same controller: the ramp
 * (bake, minSamples, approvals, windows, write path) stays identical, only who decides to roll back
 * changes. rampart's own `fail` verdicts become `inconclusive` (they hold but never roll back); the
 * peer's rollback becomes a `fail` with onFail rollback; the peer's holds keep the step.
 */
export class PeerVerdictSource implements VerdictSource {
  private lastCheckMs: number | undefined;

  constructor(
    private readonly inner: VerdictSource,
    private readonly rule: PeerRule,
    private readonly source: MetricSource,
    /** Which guardrails the peer checks (see PeerCheckSet). */
    private readonly checks: PeerCheckSet,
    /** Epoch ms before which the rule runs no checks (to measure detection alone, from the fault). */
    private readonly armedAtMs = Number.NEGATIVE_INFINITY,
  ) {}

  async verdicts(req: VerdictRequest): Promise<Verdict[]> {
    const real = await this.inner.verdicts(req);
    const now = req.now.getTime();
    if (now < this.armedAtMs) return real.map((v) => (v.status === 'fail' ? this.notOurs(v) : v));
    if (this.lastCheckMs === undefined) this.lastCheckMs = now;
    else if (now - this.lastCheckMs >= this.rule.intervalMs) {
      this.lastCheckMs = now;
      await this.rule.onInterval(
        () => runPeerChecks(this.source, req.spec, this.rule.intervalMs, req.now, this.checks),
        now,
      );
    }
    const d = this.rule.decision(now);
    return real.map((v, i): Verdict => {
      if (i === 0 && d.rollback) return { ...v, status: 'fail', onFail: 'rollback', reason: d.rollback };
      if (i === 0 && d.hold)
        return { ...v, status: v.status === 'error' ? 'error' : 'inconclusive', reason: d.hold };
      return v.status === 'fail' ? this.notOurs(v) : v;
    });
  }

  private notOurs(v: Verdict): Verdict {
    return {
      ...v,
      status: 'inconclusive',
      reason: `${v.reason} (not rampart's call under ${this.rule.name})`,
    };
  }
}
