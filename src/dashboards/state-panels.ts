import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { PHASES } from '../rollout/phase.js';
import { promQuery, thresholds, timeSeriesPanel, valueMapping } from './grafana-parts.js';

/**
 * Panels the overview dashboard and the per-rollout dashboards both show (percentage, phase,
 * guardrail verdicts), so the two draw and colour a rollout's state the same way.
 */

const PHASE_COLORS: Record<(typeof PHASES)[number], string> = {
  pending: 'text',
  ramping: 'blue',
  awaiting_approval: 'purple',
  paused: 'orange',
  completed: 'green',
  rolled_back: 'red',
  soaking: 'yellow',
};

const VERDICTS = [
  { value: 0, text: 'pass', color: 'green' },
  { value: 1, text: 'inconclusive', color: 'blue' },
  { value: 2, text: 'error', color: 'orange' },
  { value: 3, text: 'fail', color: 'red' },
];

/**
 * rampart_rollout_phase is one-hot; weighting each phase by its index turns it into one series
 * per rollout whose value names the phase, which a state timeline can colour.
 */
export function phaseCodeExpr(rollout = 'rollout=~"$rollout"'): string {
  const terms = PHASES.map((p, i) => `rampart_rollout_phase{${rollout},phase="${p}"} * ${i}`);
  return `sum by (rollout) (${terms.join(' or ')})`;
}

/** The flag's percentage over time, as steps (it changes in jumps, never gradually). */
export function percentagePanel(
  id: number,
  title: string,
  query: prometheus.DataqueryBuilder,
): timeseries.PanelBuilder {
  return timeSeriesPanel(id, title, 'Percentage of the flag as read back from its backend.')
    .withTarget(query)
    .unit('percent')
    .min(0)
    .max(100)
    .lineInterpolation(common.LineInterpolation.StepAfter);
}

function stateTimeline(
  id: number,
  title: string,
  description: string,
  height: number,
  span: number,
): statetimeline.PanelBuilder {
  return new statetimeline.PanelBuilder()
    .id(id)
    .title(title)
    .description(description)
    .height(height)
    .span(span);
}

/** The phase over time, one coloured band per rollout; `rollout` scopes phaseCodeExpr. */
export function phasePanel(
  id: number,
  description: string,
  rollout: string | undefined,
  legend: string,
): statetimeline.PanelBuilder {
  return stateTimeline(id, 'Phase', description, 8, 12)
    .withTarget(promQuery(phaseCodeExpr(rollout), legend))
    .mappings(valueMapping(PHASES.map((p, i) => ({ value: i, text: p, color: PHASE_COLORS[p] }))))
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .thresholds(thresholds([{ value: null, color: 'text' }]));
}

/** Each guardrail's latest verdict at every tick, coloured pass/inconclusive/error/fail. */
export function verdictPanel(
  id: number,
  height: number,
  query: prometheus.DataqueryBuilder,
): statetimeline.PanelBuilder {
  return stateTimeline(
    id,
    'Guardrail verdicts',
    'Latest verdict of each guardrail at every tick.',
    height,
    24,
  )
    .withTarget(query)
    .mappings(valueMapping(VERDICTS))
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .thresholds(thresholds([{ value: null, color: 'text' }]));
}
