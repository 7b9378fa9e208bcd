# API and worker image for Fly.io (one image, two process groups in fly.toml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# OCCT (build123d) needs these shared libraries at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 libxrender1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
COPY naturalcad ./naturalcad
COPY jobs ./jobs
COPY artifacts ./artifacts
COPY audit ./audit
COPY manage.py ./
RUN pip install . && useradd --system --home /app naturalcad \
    && DEBUG=true python manage.py collectstatic --no-input -v0 -i '*.map' -i redoc

USER naturalcad
EXPOSE 8000
ENV BIND_HOST=0.0.0.0 PORT=8000
CMD ["gunicorn", "-c", "python:naturalcad.gunicorn_conf", "naturalcad.wsgi"]
