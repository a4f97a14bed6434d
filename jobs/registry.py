"""The kinds of background job, each declared by its app in `<app>/jobs.py`.

A kind is a function `run(*, job, out, progress) -> JobOutput` that writes its
result to the binary file `out`, calls `progress(done, total)` as it goes and
names the download. It runs in the worker as `job.user`, so it must apply that
user's scope itself, exactly as the page that started it does.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from .models import Job


@dataclass(frozen=True)
class JobOutput:
    filename: str
    content_type: str
    # Where the user goes on from the finished job (a checked upload's preview), besides the download; the
    # label is a msgid (gettext_noop), translated when shown, in the reader's language.
    link: str = ""
    link_label: str = ""


Progress = Callable[[int, int], None]


class JobRunner(Protocol):
    def __call__(self, *, job: "Job", out: BinaryIO, progress: Progress) -> JobOutput: ...


_KINDS: dict[str, JobRunner] = {}


def job_kind(name: str) -> Callable[[JobRunner], JobRunner]:
    """Register `run` as the job kind `name` (e.g. "households.roster_xlsx")."""

    def register(run: JobRunner) -> JobRunner:
        if name in _KINDS and _KINDS[name] is not run:
            raise ValueError(f"job kind {name!r} is declared twice")
        _KINDS[name] = run
        return run

    return register


def runner_for(name: str) -> JobRunner:
    try:
        return _KINDS[name]
    except KeyError:
        raise ValueError(f"unknown job kind {name!r}") from None
