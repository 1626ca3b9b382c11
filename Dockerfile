# cwe-review: one image for both processes.
#   docker run … cwe-review app      the Probot app (webhooks, /healthz) on $PORT (3000)
#   docker run … cwe-review worker   a review worker (needs the model bundle under MODEL_DIR)
# Configuration comes from the environment: see .env.example.
# Node 22 (current LTS): Node 20 reached end of life in April 2026. Debian slim, not Alpine:
# onnxruntime-node ships glibc binaries.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# onnxruntime-node's install script downloads CUDA binaries when it sees CUDA; the CPU
# runtime is already inside the package (see .npmrc).
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
COPY scripts ./scripts
COPY bin ./bin
# `prepare` compiles src/ to dist/ during `npm ci`.
RUN npm ci && npm run build

FROM node:22-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: `prepare` needs the compiler, which is a dev dependency; dist/ comes from the build stage.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY app.yml ./
COPY models ./models
USER node
EXPOSE 3000
ENTRYPOINT ["/bin/sh", "-c", "case \"$0\" in app) exec node node_modules/probot/bin/probot.js run ./dist/src/app/index.js ;; worker) exec node dist/src/worker/main.js ;; *) exec \"$0\" \"$@\" ;; esac"]
CMD ["app"]
