from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    """collectstatic without source maps and Redoc (we serve Swagger UI): the bundled API docs
    would otherwise triple what it copies and compresses at every `make run`."""

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "*.map", "redoc"]
