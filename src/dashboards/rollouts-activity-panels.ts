import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import { promQuery, timeSeriesPanel, valueMapping } from './grafana-parts.js';

const R = 'rollout=~"$rollout"';
const RATE = '[$__rate_interval]';

function tickQuantile(q: number): string {
  return `histogram_quantile(${q}, sum by (le, rollout) (rate(rampart_tick_duration_seconds_bucket{${R}}${RATE})))`;
}

/** Adds the rows of the rollouts dashboard about rampart's decisions and its own health. */
export function withActivityRows(
  d: dashboard.DashboardBuilder,
  id: () => number,
): dashboard.DashboardBuilder {
  return d
    .withRow(new dashboard.RowBuilder('Decisions and alerts').id(id()))
    .withPanel(
      timeSeriesPanel(id(), 'Rollbacks', 'Rollbacks decided, by reason (guardrail, alert, manual, no_data).')
        .withTarget(
          promQuery(
            `sum by (rollout, reason) (increase(rampart_rollbacks_total{${R}}${RATE}))`,
            '{{rollout}} {{reason}}',
          ),
        )
        .drawStyle(common.GraphDrawStyle.Bars)
        .decimals(0),
    )
    .withPanel(
      timeSeriesPanel(
        id(),
        'Alerts received',
        'Alertmanager alerts received, by status and whether they matched a rollout.',
      )
        .withTarget(
          promQuery(
            `sum by (status, matched) (increase(rampart_alerts_received_total${RATE}))`,
            '{{status}} matched={{matched}}',
          ),
        )
        .drawStyle(common.GraphDrawStyle.Bars)
        .decimals(0),
    )
    .withPanel(
      timeSeriesPanel(
        id(),
        'Commands',
        'Commands accepted (pause, resume, approve, promote, rollback, alert).',
      )
        .withTarget(
          promQuery(
            `sum by (rollout, command) (increase(rampart_commands_total{${R}}${RATE}))`,
            '{{rollout}} {{command}}',
          ),
        )
        .drawStyle(common.GraphDrawStyle.Bars)
        .decimals(0),
    )
    .withPanel(
      timeSeriesPanel(id(), 'Phase transitions', 'Phase transitions of each rollout.')
        .withTarget(
          promQuery(
            `sum by (rollout, from, to) (increase(rampart_transitions_total{${R}}${RATE}))`,
            '{{rollout}} {{from}} -> {{to}}',
          ),
        )
        .drawStyle(common.GraphDrawStyle.Bars)
        .decimals(0),
    )
    .withRow(new dashboard.RowBuilder('rampart health').id(id()))
    .withPanel(
      timeSeriesPanel(id(), 'Tick duration', 'p50 and p99 of one controller tick of one rollout.')
        .withTarget(promQuery(tickQuantile(0.5), 'p50 {{rollout}}', 'A'))
        .withTarget(promQuery(tickQuantile(0.99), 'p99 {{rollout}}', 'B'))
        .unit('s'),
    )
    .withPanel(
      timeSeriesPanel(
        id(),
        'Errors',
        'Ticks that threw, flag backend requests and metric-source queries that did not succeed.',
      )
        .withTarget(
          promQuery(
            `sum by (rollout) (rate(rampart_tick_errors_total{${R}}${RATE}))`,
            'tick errors {{rollout}}',
            'A',
          ),
        )
        .withTarget(
          promQuery(
            `sum by (backend, op, outcome) (rate(rampart_backend_requests_total{outcome!="ok"}${RATE}))`,
            'backend {{backend}} {{op}} {{outcome}}',
            'B',
          ),
        )
        .withTarget(
          promQuery(
            `sum by (source, outcome) (rate(rampart_metric_queries_total{outcome!="ok"}${RATE}))`,
            'metric source {{source}} {{outcome}}',
            'C',
          ),
        )
        .unit('ops'),
    )
    .withPanel(
      new stat.PanelBuilder()
        .id(id())
        .title('Leader')
        .description('1 when a replica holds the leader lock and acts on rollouts.')
        .height(4)
        .span(12)
        .withTarget(promQuery('max(rampart_leader)', 'leader'))
        .mappings(
          valueMapping([
            { value: 0, text: 'no leader', color: 'red' },
            { value: 1, text: 'leader', color: 'green' },
          ]),
        )
        .noValue('rampart not scraped'),
    )
    .withPanel(
      new stat.PanelBuilder()
        .id(id())
        .title('Version')
        .description('Running rampart versions and replicas.')
        .height(4)
        .span(12)
        .withTarget(promQuery('count by (version, node) (rampart_build_info)', '{{version}} on {{node}}'))
        .decimals(0),
    );
}
