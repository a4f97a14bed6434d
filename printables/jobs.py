"""Print runs too long for a request (a township's or county's household cards), as background jobs."""

from urllib.parse import urljoin

from django.urls import reverse

from households.selectors import household_list
from jobs.registry import JobOutput, job_kind
from villages.scope import division_for

from . import sheets


@job_kind("printables.household_cards")
def household_cards(*, job, out, progress) -> JobOutput:
    """Every household card of a region, one A4 page each, for the job's user and within their scope."""
    code, base = job.params["region"], job.params["base_url"]
    region = division_for(job.user, code)
    content = sheets.household_cards_pdf(
        households=household_list(user=job.user, division=region.prefix),  # the prefecture's codes begin 6230
        region=region,
        region_url=urljoin(base, reverse("metrics:region", args=[region.code])),
        household_url=lambda h: urljoin(base, reverse("households:detail", args=[h.pk])),
        progress=progress,
    )
    out.write(content)
    return JobOutput(filename=f"{region.code}-cards.pdf", content_type="application/pdf")
