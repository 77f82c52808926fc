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
# Inside the container the app listens on all interfaces, so it runs with accounts (every
# request signs in); docker-compose.yml publishes it on the host's loopback only.
ENV THREADGRAPH_AUTH=accounts
CMD ["threadgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
