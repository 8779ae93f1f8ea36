# One image for every process: uvicorn (web), the Celery worker and the migrate one-shot (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files (admin, Swagger UI) collected at build time; whitenoise serves them from the web process.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0 \
    && useradd --system --no-create-home --home-dir /app app \
    && chown -R app /app/var
USER app

EXPOSE 8000
ENV HOST=0.0.0.0 PORT=8000
CMD ["python", "-m", "config.web"]
