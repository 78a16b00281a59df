/**
 * @module The files that run the monitoring stack: Grafana's provisioning (the Prometheus data
 * source, the dashboard provider) and a docker-compose.yml of the service (the image
 * `pipe serve build` writes), Prometheus and Grafana, each mounting the generated files.
 */
import { ALERTS_FILE, toYaml } from './prometheus-files.js';
import { DATASOURCE_UID } from './grafana-dashboard.js';
import { slug, type MonitoredService } from './monitored-service.js';

/** Images pinned to a release: a stack that starts today starts the same next month. */
export const IMAGES = { prometheus: 'prom/prometheus:v2.53.2', grafana: 'grafana/grafana:11.2.0' } as const;

/** Where the dashboard JSON is, in DIR and in the Grafana container. */
export const DASHBOARDS_DIR = 'grafana/dashboards';
const GRAFANA_DASHBOARDS = '/var/lib/grafana/dashboards/pipe';

const banner = (what: string) => `# ${what}\n# Written by 'pipe serve monitoring'; regenerate rather than edit (docs/monitoring.md).\n`;

export function grafanaDatasources(s: MonitoredService): string {
  return (
    banner('Grafana data source: the Prometheus of docker-compose.yml.') +
    toYaml({
      apiVersion: 1,
      datasources: [{ name: 'Prometheus', type: 'prometheus', uid: DATASOURCE_UID, access: 'proxy', url: 'http://prometheus:9090', isDefault: true, editable: false, jsonData: { timeInterval: s.scrapeInterval } }],
    })
  );
}

export function grafanaDashboardProvider(): string {
  return (
    banner('Grafana dashboard provider: loads the dashboards of grafana/dashboards/.') +
    toYaml({
      apiVersion: 1,
      providers: [
        { name: 'pipe', orgId: 1, folder: 'pipe', type: 'file', disableDeletion: true, updateIntervalSeconds: 30, allowUiUpdates: false, options: { path: GRAFANA_DASHBOARDS, foldersFromFilesStructure: false } },
      ],
    })
  );
}

export const dashboardFile = (s: MonitoredService): string => `${DASHBOARDS_DIR}/${slug(s.model)}-service.json`;

export function dockerCompose(s: MonitoredService): string {
  const name = slug(s.model);
  return (
    banner(
      `The ${s.model} service with Prometheus and Grafana. First write the service next to this file:\n#   pipe serve build -o service      (then: docker compose up --build)\n# Grafana on http://localhost:3000 (admin/admin), Prometheus on http://localhost:9090.`,
    ) +
    toYaml({
      name: `${name}-monitoring`,
      services: {
        service: {
          build: './service',
          image: `${name}-service`,
          ports: ['8080:8080'],
          restart: 'unless-stopped',
        },
        prometheus: {
          image: IMAGES.prometheus,
          command: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=15d'],
          volumes: ['./prometheus.yml:/etc/prometheus/prometheus.yml:ro', `./${ALERTS_FILE}:/etc/prometheus/${ALERTS_FILE}:ro`, 'prometheus-data:/prometheus'],
          ports: ['9090:9090'],
          depends_on: ['service'],
          restart: 'unless-stopped',
        },
        grafana: {
          image: IMAGES.grafana,
          environment: { GF_AUTH_ANONYMOUS_ENABLED: 'true', GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer', GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: `${GRAFANA_DASHBOARDS}/${name}-service.json` },
          volumes: [
            './grafana/datasources.yml:/etc/grafana/provisioning/datasources/pipe.yml:ro',
            './grafana/dashboards.yml:/etc/grafana/provisioning/dashboards/pipe.yml:ro',
            `./${DASHBOARDS_DIR}:${GRAFANA_DASHBOARDS}:ro`,
            'grafana-data:/var/lib/grafana',
          ],
          ports: ['3000:3000'],
          depends_on: ['prometheus'],
          restart: 'unless-stopped',
        },
      },
      volumes: { 'prometheus-data': {}, 'grafana-data': {} },
    })
  );
}
