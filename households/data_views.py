"""Import and export pages (/data/): upload → dry-run preview → confirm; roster exports; blank templates.

Who: clerks and admins import (into their region); every role exports its own
region (clerks too: they send the roster up the chain); only admins get full
ID numbers, and each full export is written to the audit trail.
"""

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Action, audit_record
from gannan.lib.tabular import FileRefused, Report, check_size
from jobs.services import job_start
from villages.models import Division
from villages.scope import scope_filter

from .events import event_rows, events_template
from .exports import roster_csv, roster_download, template_workbook
from .forms import HouseholdFilterForm
from .models import Attribute, Cause, Household, Status
from .selectors import household_list
from .uploads import (
    IMPORTERS,
    KIND_TITLES,
    pending_preview_load,
    pending_preview_path,
    pending_preview_save,
    pending_upload_path,
    pending_uploads_forget,
)


def _importer(request, kind: str):
    if kind not in IMPORTERS:
        raise Http404
    if not request.user.can_edit_households:
        raise PermissionDenied(_("只有录入员和管理员可以导入数据。"))
    return IMPORTERS[kind]


@require_GET
def index(request):
    divisions = scope_filter(Division.objects.all(), request.user, "code")
    divisions = divisions.exclude(level="village").exclude(level="province").order_by("code")
    return render(
        request,
        "data/index.html",
        {
            "can_import": request.user.can_edit_households,
            "divisions": divisions,
            "statuses": Status.choices,
            "attributes": Attribute.choices,
            "causes": Cause.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def upload(request, kind: str):
    run, labels = _importer(request, kind)
    context = {"kind": kind, "title": KIND_TITLES[kind]}
    if request.method == "GET":
        return render(request, "data/upload.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["problem"] = _("请选择要导入的文件。")
        return render(request, "data/upload.html", context, status=400)
    try:
        check_size(upload.size, settings.IMPORT_MAX_BYTES)
    except FileRefused as e:
        context["problem"] = str(e)
        return render(request, "data/upload.html", context, status=400)
    data, name = upload.read(), Path(upload.name).name
    if upload.size > settings.IMPORT_BACKGROUND_BYTES:
        # A large file is checked by the worker (a county's events take minutes): the job's page links to the
        # preview, from which the clerk confirms as for a small file. A refused file is deleted by the job.
        token = _keep(request, kind, name, data)
        job = job_start(
            user=request.user,
            kind="households.import_check",
            title=_("检查 %(name)s") % {"name": name},
            params={"kind": kind, "token": token, "name": name},
        )
        return redirect("jobs:detail", pk=job.pk)
    report = run(data=data, file_name=name, user=request.user, dry_run=True)
    if not report.ok:
        # A refused file is not kept anywhere: the clerk fixes it and uploads it again.
        return _report_page(request, kind, report, labels, token="")
    token = _keep(request, kind, name, data)
    pending_preview_save(token, report)
    return _report_page(request, kind, report, labels, token=token)


def _keep(request, kind: str, name: str, data: bytes) -> str:
    """Keep an upload until the clerk confirms it: the file under a new token, and the token in the session."""
    token = secrets.token_urlsafe(24)
    pending_uploads_forget()
    pending_upload_path(token).write_bytes(data)
    pending = request.session.get("imports", {})
    pending[token] = {"kind": kind, "name": name, "at": timezone.now().isoformat()}
    request.session["imports"] = pending
    return token


def _pending(request, kind: str, token: str) -> dict:
    """The session's record of an upload of this user (404 for anyone else's or a stale token)."""
    entry = request.session.get("imports", {}).get(token)
    if entry is None or entry["kind"] != kind or not pending_upload_path(token).is_file():
        raise Http404
    return entry


@require_GET
def preview(request, kind: str, token: str):
    """Another page of the dry run's named changes."""
    _run, labels = _importer(request, kind)
    _pending(request, kind, token)
    report = pending_preview_load(token)
    if report is None:
        raise Http404
    return _report_page(request, kind, report, labels, token=token)


@require_POST
def confirm(request, kind: str):
    run, labels = _importer(request, kind)
    token = request.POST.get("token", "")
    entry = _pending(request, kind, token)
    path = pending_upload_path(token)
    planned = pending_preview_load(token)
    if planned is not None and planned.removals and request.POST.get("confirm_removals") != "1":
        # Removing members loses their records: the clerk ticks that they mean it, after reading the names.
        return _report_page(
            request,
            kind,
            planned,
            labels,
            token=token,
            status=400,
            problem=_("本次导入将删除 %(n)d 名成员：请勾选确认后再导入。") % {"n": planned.removals},
        )
    if path.stat().st_size > settings.IMPORT_BACKGROUND_BYTES:
        # A large file is applied by the worker: the clerk watches the job's progress page.
        job = job_start(
            user=request.user,
            kind="households.import",
            title=_("导入 %(name)s") % {"name": entry["name"]},
            params={"kind": kind, "token": token, "name": entry["name"]},
        )
        pending_preview_path(token).unlink(missing_ok=True)
        pending = request.session.get("imports", {})
        del pending[token]
        request.session["imports"] = pending
        return redirect("jobs:detail", pk=job.pk)
    report = run(data=path.read_bytes(), file_name=entry["name"], user=request.user, dry_run=False)
    if report.applied:
        path.unlink(missing_ok=True)
        pending_preview_path(token).unlink(missing_ok=True)
        pending = request.session.get("imports", {})
        del pending[token]
        request.session["imports"] = pending
    return _report_page(request, kind, report, labels, token=token if not report.applied and report.ok else "")


CHANGES_PER_PAGE = 50


def _report_page(
    request,
    kind: str,
    report: Report,
    labels: dict[str, str],
    *,
    token: str,
    status: int | None = None,
    problem: str = "",
) -> HttpResponse:
    shown = 1000
    changes = getattr(report, "changes", [])
    page = Paginator(changes, CHANGES_PER_PAGE).get_page(request.GET.get("page")) if changes else None
    imported: list[Any] = []
    if report.applied and changes:
        # The result links to what was imported: each household added or changed (the first hundred).
        codes = list(dict.fromkeys(c.household_code for c in changes if not c.member_name))[:100]
        imported = list(Household.objects.filter(code__in=codes).order_by("code").values("pk", "code", "head_name"))
    return render(
        request,
        "data/report.html",
        {
            "kind": kind,
            "title": KIND_TITLES[kind],
            "report": report,
            "counts": [(labels[k], v) for k, v in report.counts.items()],
            "errors": report.errors[:shown],
            "hidden_errors": max(len(report.errors) - shown, 0),
            "warnings": report.warnings[:shown],
            "token": token,
            "changes": page,
            "removals": getattr(report, "removals", 0),
            "imported": imported,
            "problem": problem,
        },
        status=status or (200 if report.ok else 422),
    )


@require_GET
def template(request, kind: str):
    if kind not in IMPORTERS:
        raise Http404
    names = {"households": "贫困户信息采集表模板.xlsx", "villages": "村级数据模板.xlsx", "events": "变动记录模板.xlsx"}
    workbook = events_template() if kind == "events" else template_workbook(kind)
    response = HttpResponse(workbook, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = names[kind]
    response["Content-Disposition"] = _attachment(name)
    return response


def _attachment(name: str) -> str:
    return f"attachment; filename=\"export.{name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(name)}"


@require_GET
def export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    params = HouseholdFilterForm(request.GET or None, user=request.user).filters()
    households = household_list(user=request.user, **params)
    full = request.GET.get("full") == "1"
    if full and not request.user.is_admin:
        raise PermissionDenied(_("只有管理员可以导出完整证件号码。"))
    if full:
        audit_record(
            user=request.user,
            action=Action.EXPORT,
            object_type="household_roster",
            object_id=fmt,
            changes={"filters": {k: v for k, v in params.items() if v}, "full_ids": True},
            region_code=params.get("division", ""),
            summary=_("导出贫困户信息采集表（完整证件号码）"),
        )
    if fmt == "xlsx":
        # A county's workbook takes longer than a page should wait: a background job with a progress bar.
        job = job_start(
            user=request.user,
            kind="households.roster_xlsx",
            title=_("贫困户信息采集表 XLSX"),
            params={**{k: v for k, v in params.items() if v}, "full_ids": full},
        )
        return redirect("jobs:detail", pk=job.pk)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"贫困户信息采集表-{stamp}.{fmt}"
    stream = roster_download(households, full_ids=full, with_departed=request.GET.get("departed") == "1")
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(name)
    return response


@require_GET
def events_export(request):
    """A region's events (变动记录) as CSV, streamed, in the format the events import reads."""
    division = request.GET.get("division", "")
    if division and not Division.objects.filter(code=division).exists():
        raise Http404
    households = household_list(user=request.user, division=division)
    full = request.GET.get("full") == "1"
    if full and not request.user.is_admin:
        raise PermissionDenied(_("只有管理员可以导出完整证件号码。"))
    if full:
        audit_record(
            user=request.user,
            action=Action.EXPORT,
            object_type="household_events",
            object_id="csv",
            changes={"filters": {"division": division} if division else {}, "full_ids": True},
            region_code=division,
            summary=_("导出变动记录（完整证件号码）"),
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        roster_csv(event_rows(households, full_ids=full)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _attachment(f"变动记录-{stamp}.csv")
    return response
