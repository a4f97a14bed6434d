from django_tasks import task

from . import services


@task()
def funds_rollups_build(year: int) -> None:
    """The worker's entry point: the funds rollups of a year begun since the last rebuild, for every village."""
    services.funds_rollups_build(year=year)
