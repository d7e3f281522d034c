"""HTTP edge: the ASGI app, routing of raw requests to (service, operation), internal endpoints."""
