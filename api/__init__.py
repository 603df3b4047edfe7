"""The HTTP service every surface uses (FastAPI): `api.app.create_app`."""
