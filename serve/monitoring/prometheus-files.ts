/**
 * @module Prometheus' side of the monitoring: the scrape config (prometheus.yml, which loads the
 * rules), the alert rules (alerts.yml) and their unit tests for `promtool test rules`
 * (alerts.test.yml), where each alert is checked quiet before its `for:` has elapsed and then
 * firing for exactly the series that should fire it.
 */
import { stringify } from 'yaml';
import { alertRules, type AlertRule } from './alert-rules.js';
import { jobName, type MonitoredService } from './monitored-service.js';

export const ALERTS_FILE = 'alerts.yml';

/** YAML as pipe writes it: no folded lines (a PromQL expression stays on one line), keys in the order given. */
export const toYaml = (value: unknown): string => stringify(value, { lineWidth: 0 });

const banner = (what: string) => `# ${what}\n# Written by 'pipe serve monitoring'; regenerate rather than edit (docs/monitoring.md).\n`;

export function prometheusConfig(s: MonitoredService): string {
  return (
    banner(`Prometheus scrape config for the ${s.model} service.`) +
    toYaml({
      global: { scrape_interval: s.scrapeInterval, evaluation_interval: s.scrapeInterval },
      rule_files: [ALERTS_FILE],
      scrape_configs: [{ job_name: jobName(s), metrics_path: '/metrics', static_configs: [{ targets: [s.target] }] }],
    })
  );
}

export function alertsFile(s: MonitoredService): string {
  return (
    banner(`Alert rules for the ${s.model} service; each links to its section of the runbook.`) +
    toYaml({
      groups: [
        {
          name: jobName(s),
          rules: alertRules(s).map((r) => ({ alert: r.alert, expr: r.expr, for: r.for, labels: r.labels, annotations: r.annotations })),
        },
      ],
    })
  );
}

/** An annotation as Prometheus renders it for one alert: the templates the rules use, and only those. */
function render(template: string, labels: Readonly<Record<string, string>>, value: number | undefined): string {
  return template
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? '')
    .replace(/\{\{ printf "%\.(\d)f" \$value \}\}/g, (_, digits: string) => {
      if (value === undefined) throw new Error('a rule prints $value but its fixture gives none');
      return value.toFixed(Number(digits));
    });
}

function ruleTest(rule: AlertRule) {
  const { series, quiet, at, fires } = rule.fixture;
  return {
    interval: '1m',
    input_series: series,
    alert_rule_test: [
      ...quiet.map((eval_time) => ({ eval_time, alertname: rule.alert, exp_alerts: [] })),
      {
        eval_time: at,
        alertname: rule.alert,
        exp_alerts: fires.map(({ labels, value }) => {
          const all = { ...labels, ...rule.labels };
          const annotations = rule.annotations as unknown as Record<string, string>;
          return { exp_labels: all, exp_annotations: Object.fromEntries(Object.entries(annotations).map(([k, t]) => [k, render(t, all, value)])) };
        }),
      },
    ],
  };
}

export function alertTestsFile(s: MonitoredService): string {
  return (
    banner(`promtool unit tests of ${ALERTS_FILE}: run 'promtool test rules alerts.test.yml'.`) +
    toYaml({ rule_files: [ALERTS_FILE], evaluation_interval: '1m', tests: alertRules(s).map(ruleTest) })
  );
}
