"""Uploads waiting for the clerk's confirmation, kept in the private media folder (never the system's /tmp).

Only a file whose preview passed is kept (under PRIVATE_MEDIA_ROOT/imports,
readable by the server's user only), and only until it is imported or
IMPORT_PENDING_HOURS pass: `manage.py clear_pending_imports` (run daily by
cron) and every new upload delete older ones.
"""

import json
import re
import time
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy

from gannan.lib.tabular import Problem, Report
from villages.importers import VILLAGE_COUNT_LABELS, villages_import

from .events import COUNT_LABELS as EVENT_COUNT_LABELS
from .events import events_import
from .importers import COUNT_LABELS, RosterReport, RowChange, households_import

# The import formats: (importer, labels of its counts).
IMPORTERS = {
    "households": (households_import, COUNT_LABELS),
    "villages": (villages_import, VILLAGE_COUNT_LABELS),
    "events": (events_import, EVENT_COUNT_LABELS),
}
KIND_TITLES = {
    "households": gettext_lazy("导入贫困户信息采集表"),
    "villages": gettext_lazy("导入村级数据"),
    "events": gettext_lazy("导入变动记录"),
}

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _folder(name: str = "imports") -> Path:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / name
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def pending_upload_path(token: str) -> Path:
    """Where the upload `token` is kept; a token that is not one of ours is a 404 (no path games)."""
    if not TOKEN.fullmatch(token):
        raise Http404
    return _folder() / token


def pending_preview_path(token: str) -> Path:
    """Where the dry run's named changes of the upload `token` are kept (for paging through the preview)."""
    pending_upload_path(token)  # the same token check
    return _folder("import-previews") / f"{token}.json"


def pending_preview_save(token: str, report: Report) -> None:
    """The dry run's report (with a roster's named changes), kept next to the upload: paging through the preview,
    the removal check and a preview made by the worker read it instead of the file."""
    pending_preview_path(token).write_text(
        json.dumps(
            {
                "file_name": report.file_name,
                "rows": report.rows,
                "counts": report.counts,
                "warnings": [asdict(w) for w in report.warnings],
                "changes": [asdict(c) for c in getattr(report, "changes", [])],
            },
            ensure_ascii=False,
        )
    )


def pending_preview_load(token: str) -> RosterReport | None:
    path = pending_preview_path(token)
    if not path.is_file():
        return None
    saved = json.loads(path.read_text())
    return RosterReport(
        file_name=saved["file_name"],
        rows=saved["rows"],
        counts=saved["counts"],
        warnings=[Problem(**w) for w in saved["warnings"]],
        changes=[RowChange(**c) for c in saved["changes"]],
    )


def pending_uploads_forget(*, older_than_hours: float | None = None) -> int:
    """Delete pending uploads older than the limit; returns how many."""
    hours = settings.IMPORT_PENDING_HOURS if older_than_hours is None else older_than_hours
    cutoff = time.time() - hours * 3600
    removed = 0
    for path in [*_folder().iterdir(), *_folder("import-previews").iterdir()]:
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
