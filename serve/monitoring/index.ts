/** @module The monitoring of a served model as code (docs/monitoring.md): what `pipe serve monitoring` writes, as pure functions of the model's name and features. */
export { alertRules, type AlertFixture, type AlertRule } from './alert-rules.js';
export { DATASOURCE_UID, grafanaDashboard, type Panel } from './grafana-dashboard.js';
export { DEFAULTS, THRESHOLDS, dashboardUid, jobName, type MonitoredService } from './monitored-service.js';
export { monitoringFiles } from './monitoring-files.js';
export { ALERTS_FILE } from './prometheus-files.js';
export { IMAGES, dashboardFile } from './stack-files.js';
