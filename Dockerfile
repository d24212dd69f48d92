# CoCreate web, worker and beat image. Build: docker compose build (see README, "Docker").
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 cocreate
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
COPY --from=assets /app/node_modules/htmx.org/dist node_modules/htmx.org/dist
# Settings load without a secret; only serving and the jobs refuse the development key.
RUN python manage.py compilemessages -v 0 --ignore=node_modules \
    && python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/.data/media /app/.data/private/ticket-attachments /app/.data/beat \
    && chown -R cocreate /app/.data
# Those directories exist, owned by cocreate, so the named volumes mounted on them (compose) start
# out writable by the app.
USER cocreate
# gunicorn reads /app/gunicorn.conf.py (workers, threads, timeouts: README, "Serving"); in the
# container it listens on every interface, for the reverse proxy in front of it.
ENV GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["gunicorn"]
