/** One series of an instant vector: its labels and `[unix seconds, "value"]`. */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The `data` of a successful `/api/v1/query` answer. */
export type InstantQueryData =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'scalar'; result: [number, string] };

/** Transport to anything that speaks the Prometheus HTTP query API. */
export interface PrometheusQueryApi {
  /** Runs an instant query at `time`. Throws MetricSourceError. */
  query(query: string, time: Date): Promise<InstantQueryData>;
  /** True when the API answers a trivial query. Never throws. */
  ping(): Promise<boolean>;
}
