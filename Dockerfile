# syntax=docker/dockerfile:1
# Multi-stage: build with dev dependencies, run with production dependencies only, as a non-root user.
# Node 20 LTS, the oldest Node package.json's engines admit (the dependencies are pinned to run on it).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the build) needs the sources, copied below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-redis-scripts.mjs ./scripts/
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    REPORT_DIR=/data/reports \
    STATE_DIR=/data/state
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# The upload page's files are read from src/web at startup.
COPY src/web ./src/web
COPY jobs ./jobs
RUN mkdir -p /data/reports /data/state && chown -R node:node /data
USER node
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/customer-sync.js"]
CMD ["worker"]
