"""Versions of a part: what a new job is made from (a prompt, a spec, or a parent's spec edited
by dimensions or in words), and the chain of versions a part has.

A parent is named by id and proved by ownership, exactly as a cancel is: a job the client
cannot prove it created is answered as if there were no such job.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from jobs import access
from jobs.access import Client
from jobs.models import Job, Origin
from naturalcad.errors import CodedError
from naturalcad.spec.validate import validate_spec

Spec = dict[str, Any]


class ParentNotReady(CodedError):
    """The parent job has no spec yet: wait until it has one (its status says when)."""

    code = "parent_not_ready"


class UnknownDimension(CodedError):
    """The part has no dimension of that name."""

    code = "unknown_dimension"


@dataclass
class Lineage:
    """The fields of a new job that say what it is made from."""

    origin: str = Origin.PROMPT
    spec: Spec | None = None  # the spec as given (or edited), already validated
    parent: Job | None = None
    edit: dict[str, float] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        parent = self.parent
        return {
            "origin": self.origin,
            "spec_json": self.spec,
            "parent": parent,
            "root_id": None if parent is None else (parent.root_id or parent.id),
            "version": 1 if parent is None else parent.version + 1,
            "edit_json": self.edit,
        }


def lineage(data: dict[str, Any], client: Client, secret: str) -> Lineage:
    """What the job is made from; a CodedError for a parent that is not the client's, a spec
    the validation refuses or a dimension the parent does not have."""
    parent = _own_parent(data["parent"], client, secret) if "parent" in data else None
    if "spec" in data:
        return Lineage(Origin.SPEC, _checked(data["spec"], "$.spec"), parent)
    if parent is None:
        return Lineage()
    if "dimensions" in data:
        edited = with_dimensions(_spec_of(parent), data["dimensions"])
        return Lineage(Origin.DIMENSIONS, _checked(edited, "$"), parent, data["dimensions"])
    _spec_of(parent)  # an edit in words needs a spec to edit
    return Lineage(Origin.WORDS, None, parent)


def _own_parent(parent_id: Any, client: Client, secret: str) -> Job:
    parent = Job.objects.filter(id=parent_id).first()
    if parent is None or not access.owns(client, parent, secret):
        raise CodedError("not_found", f"No job with id {parent_id}.")
    return parent


def _spec_of(parent: Job) -> Spec:
    if not parent.spec_json:
        raise ParentNotReady(
            message=f"The parent job is {parent.status} and has no spec yet; "
            "edit it once its spec is there."
        )
    spec: Spec = parent.spec_json
    return spec


def with_dimensions(spec: Spec, changes: dict[str, float]) -> Spec:
    """The spec with its named dimensions replaced; every name must be one it has."""
    known = spec.get("dimensions") or {}
    unknown = sorted(set(changes) - set(known))
    if unknown:
        names = ", ".join(sorted(known)) or "none"
        raise UnknownDimension(
            message=f"This part has no dimension named {', '.join(unknown)}; its dimensions: "
            f"{names}.",
            details={"unknown": unknown, "known": sorted(known)},
        )
    edited = {key: value for key, value in spec.items() if key != "dedupe"}
    return {**edited, "dimensions": {**known, **changes}}


def _checked(spec: Spec, where: str) -> Spec:
    """`spec` once the validation accepts it, every guardrail included; the error's path is
    where the value is in the request."""
    try:
        validate_spec(spec)
    except CodedError as error:
        error.path = where + error.path.removeprefix("$") if error.path else where
        raise
    return spec


def chain(job: Job) -> list[Job]:
    """Every version of the part `job` belongs to, first to last."""
    root = job.root_id or job.id
    return list(Job.objects.filter(Q(id=root) | Q(root_id=root)).order_by("version", "created_at"))
