/** @module The Dockerfile and .dockerignore `pipe serve build` writes beside the service. */

/** Multi-stage: dependencies installed in a build stage, copied into a slim runtime that runs as the unprivileged `node` user. */
export function dockerfile({ node = '20', port = 8080 }: { node?: string; port?: number } = {}): string {
  return `# Written by \`pipe serve build\`. Build: docker build -t churn-service .   Run: docker run -p ${port}:${port} churn-service
FROM node:${node}-slim AS build
WORKDIR /app
COPY package.json package-lock.json* ./
# Runtime dependencies only (TensorFlow.js and its wasm backend): the server code is one bundle.
RUN if [ -f package-lock.json ]; then npm ci --omit=dev --no-audit --no-fund; else npm install --omit=dev --no-audit --no-fund; fi

FROM node:${node}-slim
ENV NODE_ENV=production PORT=${port} HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json service.json server.js ./
COPY --chown=node:node model ./model
USER node
EXPOSE ${port}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || ${port}) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM from \`docker stop\` is a graceful shutdown: requests in flight finish, then exit 0.
STOPSIGNAL SIGTERM
CMD ["node", "server.js"]
`;
}

export const DOCKERIGNORE = `node_modules
npm-debug.log
Dockerfile
.dockerignore
`;
