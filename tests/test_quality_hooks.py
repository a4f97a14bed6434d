"""The checks run on every save and in every import: a fix closes its 疑点 at once, a preview lists them per row."""

from households.models import Household
from households.services import household_update
from quality.models import Issue, Run

from .quality_cast import CHENGGUAN, clean_household
from .test_import_households import household, roster, run


def test_a_save_that_breaks_a_rule_opens_an_issue_and_the_save_that_fixes_it_closes_it(
    lintan_clerk, django_capture_on_commit_callbacks
):
    h = clean_household(lintan_clerk, CHENGGUAN, "S1")
    with django_capture_on_commit_callbacks(execute=True):
        household_update(user=lintan_clerk, household=h, data={"cadre_name": ""}, version=h.version)
    issue = Issue.objects.get(household=h)
    assert (issue.rule, issue.closed_on) == ("RG02", None)
    h.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        household_update(user=lintan_clerk, household=h, data={"cadre_name": "王干部"}, version=h.version)
    issue.refresh_from_db()
    assert issue.closed_on is not None and issue.closed_by == lintan_clerk
    assert Run.objects.filter(trigger="save").count() == 2


def test_one_transaction_makes_one_run_for_all_it_saved(lintan_clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        clean_household(lintan_clerk, CHENGGUAN, "S2")
    assert Run.objects.count() == 1


def test_the_import_preview_lists_issues_per_row_and_stores_none(lintan_clerk):
    report = run(lintan_clerk, roster(*household("H100", size=2), *household("H101", size=1)), dry_run=True)
    assert report.ok
    found = [(w.row, str(w.reason)[:7]) for w in report.warnings]
    assert (2, "疑点 CA01") in found and (4, "疑点 CA01") in found  # 因病 with no one ill, rows 2 and 4
    assert not Issue.objects.exists() and not Household.objects.exists()


def test_an_import_stores_its_issues_when_it_commits(lintan_clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = run(lintan_clerk, roster(*household("H100", size=2)))
    assert report.applied
    assert set(Issue.objects.values_list("rule", flat=True)) >= {"CA01", "RG02"}
    assert Run.objects.get().trigger == "import"


def test_a_large_import_is_checked_over_the_whole_register_and_reports_only_its_households(
    lintan_clerk, monkeypatch, django_capture_on_commit_callbacks
):
    import quality.services

    monkeypatch.setattr(quality.services, "MANY", 1)  # two households count as "many"
    other = clean_household(lintan_clerk, CHENGGUAN, "S3")
    Household.objects.filter(pk=other.pk).update(cadre_name="")  # not in the file: not reported
    with django_capture_on_commit_callbacks(execute=True):
        report = run(lintan_clerk, roster(*household("H100", size=1), *household("H101", size=1)))
    assert {w.value for w in report.warnings if str(w.reason).startswith("疑点")} == {"H100", "H101"}
    assert {"H100", "H101"} <= set(Issue.objects.filter(rule="CA01").values_list("household__code", flat=True))
