"""Import and export pages (/data/): upload → dry-run preview → confirm; roster exports; blank templates.

Who: clerks and admins import (into their region); every role exports its own
region (clerks too: they send the roster up the chain); only admins get full
ID numbers, and each full export is written to the audit trail.
"""

import secrets
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import Action, audit_record
from gannan.lib.tabular import FileRefused, Report, check_size
from jobs.services import job_start
from villages.models import Division

from .exports import roster_csv, roster_rows, roster_xlsx, template_workbook
from .forms import HouseholdFilterForm
from .models import Attribute, Cause, Status
from .selectors import household_list
from .uploads import IMPORTERS, KIND_TITLES, pending_upload_path, pending_uploads_forget


def _importer(request, kind: str):
    if kind not in IMPORTERS:
        raise Http404
    if not request.user.can_edit_households:
        raise PermissionDenied(_("只有录入员和管理员可以导入数据。"))
    return IMPORTERS[kind]


@require_GET
def index(request):
    divisions = Division.objects.filter(code__startswith=request.user.scope_prefix) if request.user.scope_prefix != "-" else Division.objects.none()
    divisions = divisions.exclude(level="village").exclude(level="province").order_by("code")
    return render(request, "data/index.html", {
        "can_import": request.user.can_edit_households,
        "divisions": divisions,
        "statuses": Status.choices,
        "attributes": Attribute.choices,
        "causes": Cause.choices,
    })


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
    data = upload.read()
    report = run(data=data, file_name=Path(upload.name).name, user=request.user, dry_run=True)
    if not report.ok:
        # A refused file is not kept anywhere: the clerk fixes it and uploads it again.
        return _report_page(request, kind, report, labels, token="")
    token = secrets.token_urlsafe(24)
    pending_uploads_forget()
    pending_upload_path(token).write_bytes(data)
    pending = request.session.get("imports", {})
    pending[token] = {"kind": kind, "name": Path(upload.name).name, "at": timezone.now().isoformat()}
    request.session["imports"] = pending
    return _report_page(request, kind, report, labels, token=token)


@require_POST
def confirm(request, kind: str):
    run, labels = _importer(request, kind)
    token = request.POST.get("token", "")
    pending = request.session.get("imports", {})
    entry = pending.get(token)
    path = pending_upload_path(token)
    if entry is None or entry["kind"] != kind or not path.is_file():
        raise Http404
    if path.stat().st_size > settings.IMPORT_BACKGROUND_BYTES:
        # A large file is applied by the worker: the clerk watches the job's progress page.
        job = job_start(user=request.user, kind="households.import", title=_("导入 %(name)s") % {"name": entry["name"]},
                        params={"kind": kind, "token": token, "name": entry["name"]})
        del pending[token]
        request.session["imports"] = pending
        return redirect("jobs:detail", pk=job.pk)
    report = run(data=path.read_bytes(), file_name=entry["name"], user=request.user, dry_run=False)
    if report.applied:
        path.unlink(missing_ok=True)
        del pending[token]
        request.session["imports"] = pending
    return _report_page(request, kind, report, labels, token=token if not report.applied and report.ok else "")


def _report_page(request, kind: str, report: Report, labels: dict[str, str], *, token: str) -> HttpResponse:
    shown = 1000
    return render(request, "data/report.html", {
        "kind": kind,
        "title": KIND_TITLES[kind],
        "report": report,
        "counts": [(labels[k], v) for k, v in report.counts.items()],
        "errors": report.errors[:shown],
        "hidden_errors": max(len(report.errors) - shown, 0),
        "warnings": report.warnings[:shown],
        "token": token,
    }, status=200 if report.ok else 422)


@require_GET
def template(request, kind: str):
    if kind not in IMPORTERS:
        raise Http404
    name = "贫困户信息采集表模板.xlsx" if kind == "households" else "村级数据模板.xlsx"
    response = HttpResponse(
        template_workbook(kind), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
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
            user=request.user, action=Action.EXPORT, object_type="household_roster", object_id=fmt,
            changes={"filters": {k: v for k, v in params.items() if v}, "full_ids": True},
            region_code=params.get("division", ""), summary=_("导出贫困户信息采集表（完整证件号码）"),
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"贫困户信息采集表-{stamp}.{fmt}"
    rows = roster_rows(households, full_ids=full)
    if fmt == "csv":
        response = StreamingHttpResponse(roster_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = FileResponse(
            roster_xlsx(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = _attachment(name)
    return response

