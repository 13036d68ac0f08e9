# Minimal image: the board on the embedded SQLite database (mount /data to keep it), or on PostgreSQL
# when REFORMBOARD_DATABASE_URL=postgresql+psycopg2://user:pass@host/db is set.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY checks checks
COPY loaders loaders
COPY tenants tenants
COPY dashboard dashboard
COPY reformboard reformboard
COPY textsafety textsafety
RUN pip install --no-cache-dir .
ENV REFORMBOARD_DATABASE_URL=sqlite:////data/reformboard.db
VOLUME /data
EXPOSE 8501
CMD ["sh", "-c", "reformboard init && reformboard serve --host 0.0.0.0 --port 8501"]
