import { describe, expect, it } from 'vitest';
import { parseExposition, parseSampleValue } from '../../../src/metric-sources/scrape/parse-exposition.js';

describe('parseExposition', () => {
  it('reads counters with escaped label values and special floats', () => {
    const text = [
      '# TYPE login_attempts_total counter',
      'login_attempts_total{variant="treatment",result="say \\"hi\\"\\nnow"} 12',
      'login_attempts_total{variant="control",result="C:\\\\dir"} 1.5e3',
      'odd_gauge NaN',
      'up_gauge +Inf',
      'down_gauge -Inf',
      '',
    ].join('\n');
    expect(parseExposition(text)).toEqual([
      { name: 'login_attempts_total', labels: { variant: 'treatment', result: 'say "hi"\nnow' }, value: 12 },
      { name: 'login_attempts_total', labels: { variant: 'control', result: 'C:\\dir' }, value: 1500 },
      { name: 'odd_gauge', labels: {}, value: Number.NaN },
      { name: 'up_gauge', labels: {}, value: Number.POSITIVE_INFINITY },
      { name: 'down_gauge', labels: {}, value: Number.NEGATIVE_INFINITY },
    ]);
  });

  it('flattens histograms the way Prometheus stores them', () => {
    const text = [
      '# TYPE latency_seconds histogram',
      'latency_seconds_bucket{route="/login",le="0.1"} 3',
      'latency_seconds_bucket{route="/login",le="+Inf"} 4',
      'latency_seconds_sum{route="/login"} 0.9',
      'latency_seconds_count{route="/login"} 4',
      '',
    ].join('\n');
    expect(parseExposition(text)).toEqual([
      { name: 'latency_seconds_bucket', labels: { route: '/login', le: '0.1' }, value: 3 },
      { name: 'latency_seconds_bucket', labels: { route: '/login', le: '+Inf' }, value: 4 },
      { name: 'latency_seconds_sum', labels: { route: '/login' }, value: 0.9 },
      { name: 'latency_seconds_count', labels: { route: '/login' }, value: 4 },
    ]);
  });

  it.each(['<html>\n<body>login</body>\n', 'a_total{b="c"} notanumber\n', 'a_total\n'])(
    'throws on text that is not the exposition format: %j',
    (text) => {
      expect(() => parseExposition(text)).toThrow(SyntaxError);
    },
  );

  it('keeps every labelled series of histograms and summaries apart', () => {
    const text = [
      '# TYPE rpc_seconds summary',
      'rpc_seconds{svc="a",quantile="0.5"} 1',
      'rpc_seconds_sum{svc="a"} 10',
      'rpc_seconds_count{svc="a"} 7',
      'rpc_seconds{svc="b",quantile="0.5"} 2',
      'rpc_seconds_count{svc="b"} 9',
      '',
    ].join('\n');
    expect(parseExposition(text).filter((s) => s.name === 'rpc_seconds_count')).toEqual([
      { name: 'rpc_seconds_count', labels: { svc: 'a' }, value: 7 },
      { name: 'rpc_seconds_count', labels: { svc: 'b' }, value: 9 },
    ]);
  });

  it('maps Go float spellings', () => {
    expect(parseSampleValue('-0.5')).toBe(-0.5);
    expect(parseSampleValue('')).toBeNaN();
    expect(parseSampleValue('Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseSampleValue('1e3')).toBe(1000);
  });
});
