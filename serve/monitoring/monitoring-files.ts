/** @module Every file `pipe serve monitoring` writes, by its path in DIR: one pure function of the monitored service. */
import { grafanaDashboard } from './grafana-dashboard.js';
import type { MonitoredService } from './monitored-service.js';
import { ALERTS_FILE, alertsFile, alertTestsFile, prometheusConfig } from './prometheus-files.js';
import { dashboardFile, dockerCompose, grafanaDashboardProvider, grafanaDatasources } from './stack-files.js';

export function monitoringFiles(s: MonitoredService): Record<string, string> {
  return {
    'prometheus.yml': prometheusConfig(s),
    [ALERTS_FILE]: alertsFile(s),
    'alerts.test.yml': alertTestsFile(s),
    'grafana/datasources.yml': grafanaDatasources(s),
    'grafana/dashboards.yml': grafanaDashboardProvider(),
    [dashboardFile(s)]: `${JSON.stringify(grafanaDashboard(s), null, 2)}\n`,
    'docker-compose.yml': dockerCompose(s),
  };
}
