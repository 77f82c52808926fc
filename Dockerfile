# The threadgraph app. Neo4j runs beside it (see docker-compose.yml), so the image needs
# no Java: NEO4J_URI points the app at the Neo4j service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY src ./src
RUN pip install --no-cache-dir -c constraints.txt .

EXPOSE 8000
# Inside the container the app listens on all interfaces; docker-compose.yml publishes it
# on the host's loopback only (local mode: one local user, no authentication yet).
CMD ["threadgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
