from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class JobsConfig(AppConfig):
    name = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jobs import admin_login  # noqa: F401  (connects the login signals)
        from jobs.access import forget_api_keys
        from jobs.models import ApiKey

        # A key saved or deleted here (the admin, a command) is read again at once in this
        # process; the others read it within access.API_KEY_TTL_SECONDS.
        post_save.connect(forget_api_keys, sender=ApiKey, dispatch_uid="forget_saved_key")
        post_delete.connect(forget_api_keys, sender=ApiKey, dispatch_uid="forget_deleted_key")
