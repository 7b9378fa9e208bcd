from django.db import models


class Row(models.Model):
    prompt = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bare"
        db_table = "bench_bare_row"

    def __str__(self) -> str:
        return self.prompt
