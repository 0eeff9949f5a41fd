# syntax=docker/dockerfile:1
# ml-connector headless runtime: `mlc serve` (schedules, /health, /ready, /metrics) or `mlc run`.
#   docker build -t mlc .
#   docker run --rm -p 8080:8080 -v "$PWD/my.mlcbundle.json:/bundles/bundle.mlcbundle.json:ro" -v mlc-data:/data \
#     -e MLC_SECRET_ZOHO_REFRESH_TOKEN_FILE=/run/secrets/zoho_refresh_token ... mlc
# See README "Containers and Kubernetes".

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build: every dependency (esbuild, vite, typescript), then the Node bundles in dist/backend.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# No install scripts here: `prepare` would build before the sources are copied, and Electron's
# postinstall downloads a binary the server never uses. better-sqlite3 is rebuilt explicitly.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 esbuild
COPY . .
RUN node scripts/build.mjs --only=node --quiet

# 2. Production dependencies only (no Electron, no build tools), native module built for this image.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm rebuild better-sqlite3 && npm cache clean --force

# 3. Runtime: node, the bundles and production node_modules; runs as an unprivileged user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    MLC_HOME=/data \
    MLC_HOST=0.0.0.0 \
    MLC_PORT=8080 \
    MLC_KEYRING=off
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/backend ./dist/backend
COPY package.json ./
COPY bin ./bin
COPY schemas ./schemas
RUN groupadd --system --gid 10001 mlc \
 && useradd --system --uid 10001 --gid mlc --home-dir /data --shell /usr/sbin/nologin mlc \
 && mkdir -p /data && chown mlc:mlc /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["node", "/app/bin/mlc.js"]
# The bundle is mounted at /bundles/bundle.mlcbundle.json; `mlc run …` for one pass (the CronJob).
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "/bundles/bundle.mlcbundle.json"]
