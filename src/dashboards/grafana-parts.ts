import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/**
 * Every query goes to the data source picked in the `datasource` variable, so the dashboards work
 * with whatever Prometheus a team already has, not only the provisioned one.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a JS template.
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** The uid of the data source in dashboards/provisioning/datasources/prometheus.yaml. */
export const PROVISIONED_DATASOURCE_UID = 'rampart-prometheus';

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus')
    .current({ text: 'Prometheus', value: PROVISIONED_DATASOURCE_UID, selected: true });
}

/** A `rollout` variable listing the rollouts rampart reports. */
export function rolloutVariable(options: {
  multi: boolean;
  current?: string;
}): dashboard.QueryVariableBuilder {
  const query = 'label_values(rampart_rollout_percentage, rollout)';
  const v = new dashboard.QueryVariableBuilder('rollout')
    .label('Rollout')
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(options.multi)
    .includeAll(options.multi);
  if (options.current !== undefined)
    v.current({ text: options.current, value: options.current, selected: true });
  return options.multi ? v.allValue('.*') : v;
}

/** A range query with a legend; `refId` must be unique within its panel. */
export function promQuery(expr: string, legend: string, refId = 'A'): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(expr)
    .legendFormat(legend)
    .refId(refId)
    .range();
}

/** Shows `expr > 0` points as annotations: rampart's decisions drawn on every time series. */
export function eventAnnotation(options: {
  name: string;
  expr: string;
  color: string;
  title: string;
  text: string;
}): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name(options.name)
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor(options.color)
    .expr(options.expr)
    .step('1m')
    .titleFormat(options.title)
    .textFormat(options.text)
    .useValueForTime(false);
}

/** A value -> text/colour mapping for enum-like gauges (phase, verdict). */
export function valueMapping(entries: readonly { value: number; text: string; color: string }[]) {
  const options: Record<string, dashboard.ValueMappingResult> = {};
  entries.forEach((e, index) => {
    options[String(e.value)] = { text: e.text, color: e.color, index };
  });
  return [{ type: dashboard.MappingType.ValueToText, options } satisfies dashboard.ValueMap];
}

export function thresholds(steps: readonly { value: number | null; color: string }[]) {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(steps.map((s) => ({ value: s.value, color: s.color })));
}

/** Hands out panel ids in order, so ids are stable across runs of the generator. */
export function panelIds(): () => number {
  let next = 0;
  return () => {
    next += 1;
    return next;
  };
}

/** A half-width time series with a legend and a tooltip listing every series. */
export function timeSeriesPanel(id: number, title: string, description: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .id(id)
    .title(title)
    .description(description)
    .height(8)
    .span(12)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
}

/**
 * Counter series that moved within `window`, for annotations: increase() misses a series born at
 * 1 (its first sample is already the event), so a series that appeared within the window counts
 * too. Zero-valued series are dropped by the caller's `> 0`.
 */
export function movedWithin(selector: string, window = '2m'): string {
  return `(increase(${selector}[${window}]) > 0) or (${selector} unless ${selector} offset ${window})`;
}
