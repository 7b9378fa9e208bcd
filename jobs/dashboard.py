"""Today's figures for the admin's front page: jobs by status, what failed, what the model cost."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from jobs.models import InferenceBudget, Job, JobStatus

TOP_FAILURES = 5  # failure codes listed: the few that matter today


@dataclass(frozen=True)
class Budget:
    calls: int
    calls_allowed: int
    tokens: int
    tokens_allowed: int

    @property
    def spend_usd(self) -> float:
        return self.tokens * settings.HF_USD_PER_MILLION_TOKENS / 1e6

    @property
    def budget_usd(self) -> float:
        return self.tokens_allowed * settings.HF_USD_PER_MILLION_TOKENS / 1e6

    @property
    def calls_percent(self) -> int:
        return round(100 * self.calls / self.calls_allowed) if self.calls_allowed else 100


@dataclass(frozen=True)
class Today:
    start: datetime
    by_status: list[tuple[str, int]]  # every status, in the status machine's order
    total: int
    failures: list[tuple[str, int]]  # the most frequent error codes, most frequent first
    budget: Budget


def today() -> Today:
    """The UTC day so far (the day the model budget counts)."""
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    jobs = Job.objects.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))
    counts = dict(jobs.values_list("status").annotate(n=Count("id")).order_by())
    failures = (
        jobs.filter(status=JobStatus.FAILED)
        .values_list("error_code")
        .annotate(n=Count("id"))
        .order_by("-n", "error_code")[:TOP_FAILURES]
    )
    spent = InferenceBudget.objects.filter(day=start.date()).first()
    return Today(
        start=start,
        by_status=[(status, counts.get(status, 0)) for status in JobStatus.values],
        total=sum(counts.values()),
        failures=[(code or "(no code)", n) for code, n in failures],
        budget=Budget(
            calls=spent.calls if spent else 0,
            calls_allowed=settings.HF_DAILY_CALLS,
            tokens=spent.tokens if spent else 0,
            tokens_allowed=settings.HF_DAILY_TOKENS,
        ),
    )
