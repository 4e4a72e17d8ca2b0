# Kete: build a wheel-installed virtualenv, then run it as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN python -m venv /opt/kete && /opt/kete/bin/pip install --no-cache-dir .

FROM python:3.11-slim
# WeasyPrint needs Pango for PDFs.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 \
      libpangoft2-1.0-0 fonts-dejavu-core && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 kete
COPY --from=build /opt/kete /opt/kete
WORKDIR /srv/kete
COPY migrations ./migrations
COPY app ./app
# The source tree comes first on the path so app/ finds migrations/ beside it.
ENV PATH=/opt/kete/bin:$PATH PYTHONPATH=/srv/kete KETE_HOST=0.0.0.0 KETE_PORT=8000 \
    PYTHONUNBUFFERED=1
RUN mkdir -p var && chown kete:kete var
USER kete
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
# `kete serve` applies the migrations to KETE_DATABASE_URL before serving.
CMD ["kete", "serve"]
