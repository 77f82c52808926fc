"""The HTTP edge: FastAPI routers, dependencies and the error handler."""
