from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from accounts.http import AuthenticatedRequest

from .selectors import job_get, job_list


def job_index(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(job_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "jobs/index.html", {"page": page})


def job_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/detail.html", {"job": job_get(user=request.user, pk=pk)})


@never_cache
def job_status(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """What the progress bar polls (static/js/jobs.js)."""
    job = job_get(user=request.user, pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "error": job.error,
            "finished": job.is_finished,
            "link": job.link,
            "link_label": gettext(job.link_label) if job.link_label else "",
        }
    )


@never_cache
def job_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    job = job_get(user=request.user, pk=pk)
    if not job.file:
        raise Http404
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=job.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
