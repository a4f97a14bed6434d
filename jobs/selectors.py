from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User

from .models import Job


def job_list(*, user: User) -> QuerySet[Job]:
    """A user's own jobs, newest first: a job's file is for the one who asked for it."""
    return Job.objects.filter(user=user)


def job_get(*, user: User, pk: int) -> Job:
    try:
        return job_list(user=user).get(pk=pk)
    except Job.DoesNotExist:
        raise Http404 from None
