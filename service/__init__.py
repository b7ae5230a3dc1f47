"""stancewatch HTTP service: a Flask app served by gunicorn (see service.app.create_app)."""
