# stancewatch API: gunicorn serving a model trained while the image is built.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000 \
    WORKERS=2 \
    STANCE_MODEL_PATH=/models/stance_model.joblib

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /app app \
    && mkdir /models && chown app:app /models

WORKDIR /app

# Dependencies first, read from pyproject.toml, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY model ./model
COPY training ./training
COPY service ./service
COPY cli ./cli
COPY gunicorn.conf.py ./
RUN pip install --no-deps .

# Train as the runtime user, into /models: the `models` volume of docker-compose.yml
# starts as a copy of it, and the compose `train` service retrains into that volume.
USER app
RUN python -m training.train --out "$STANCE_MODEL_PATH"

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "service.healthcheck"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "service.app:create_app()"]
