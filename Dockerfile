# API and worker image for Fly.io (one image, two process groups in fly.toml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# OCCT (build123d) needs these shared libraries at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 libxrender1 \
    && rm -rf /var/lib/apt/lists/*

# The locked server set (no gradio, no pgserver, no test tool), every file checked against its
# hash: two builds install the same bytes. Its own layer, so a code change does not redo it.
COPY requirements/server.txt /tmp/server.txt
RUN pip install --require-hashes -r /tmp/server.txt && rm /tmp/server.txt

# The project as a wheel, with the files it reads at run time (declared in pyproject.toml);
# no source tree stays behind to hide a file the wheel lacks.
COPY pyproject.toml /tmp/src/
COPY naturalcad /tmp/src/naturalcad
COPY jobs /tmp/src/jobs
COPY artifacts /tmp/src/artifacts
COPY audit /tmp/src/audit
RUN pip install --no-deps /tmp/src && rm -rf /tmp/src

# Everything the app writes (collected static files; local artifacts when asked for) lives
# under its own home, owned by its own user: nothing runs as root.
RUN useradd --system --create-home --home-dir /app naturalcad
USER naturalcad
WORKDIR /app
ENV DJANGO_SETTINGS_MODULE=naturalcad.settings NATURALCAD_DATA_DIR=/app/data \
    BIND_HOST=0.0.0.0 PORT=8000
RUN DEBUG=true python -m naturalcad collectstatic --no-input -v0 -i '*.map' -i redoc

EXPOSE 8000
CMD ["gunicorn", "-c", "python:naturalcad.gunicorn_conf", "naturalcad.wsgi"]
