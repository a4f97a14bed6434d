"""Household cards (明白卡 · 三本账): one A4 page per household, masked IDs only, a county's cards as a job."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funds.services import measure_create
from jobs.models import Job, JobStatus
from tests import pdf
from tests.conftest import change_status, record_year, register

# Charts are drawn by kaleido in one chromium per test process: keep these tests on one xdist worker,
# so two workers never start their browsers at once (seen: "kaleido_scopes is not defined").
pytestmark = pytest.mark.xdist_group("kaleido")

CHENGGUAN, XIJIE, HONGBAOZI = "623021100201", "623021100202", "623021101201"


@pytest.fixture
def household(admin):
    h = register(admin, CHENGGUAN, "K1", size=3, identified_on=date(2014, 5, 1))
    h.cadre_name, h.cadre_unit, h.cadre_phone = "卓玛", "临潭县农牧局", "13909410002"
    h.secondary_causes = [7]
    h.save()
    record_year(admin, h, 2014, income="2300", passed=False)
    record_year(admin, h, 2015, income="3400", passed=True)
    measure_create(
        user=admin,
        household=h,
        programme="industry",
        content="牦牛养殖补助",
        amount=Decimal("8000"),
        year=2015,
        unit="临潭县农牧局",
    )
    change_status(admin, h, "exited_stable", date(2015, 11, 1), reason="两不愁三保障达标")
    return h


def _download(client, job) -> bytes:
    return b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)


def test_a_card_is_one_a4_page_with_the_households_ledgers(client, lintan_official, household):
    client.force_login(lintan_official)
    response = client.get(reverse("printables:household_card", args=[household.pk]))
    assert response.status_code == 200
    assert pdf.page_sizes(response.content) == [("A4", "portrait")]
    text = pdf.text(response.content)
    members = list(household.members.all())
    for m in members:
        assert m.name in text
        assert m.masked_id in text
        assert m.id_number not in text  # never a full ID on paper
    assert "因病" in text and "缺技术" in text  # main and secondary cause
    assert "卓玛" in text and "13909410002" in text
    assert "牦牛养殖补助" in text and "8,000.00" in text
    assert "3,400.00" in text and "2,855.00" in text and "高于贫困线" in text  # 2015 income against its line
    assert "2,300.00" in text and "2,800.00" in text and "低于贫困线" in text  # 2014
    assert "稳定脱贫" in text and "两不愁三保障达标" in text and "2015-11-01" in text
    assert "甘南藏族自治州 临潭县 城关镇 城关村" in text and "数据截至" in text and "第 1 页，共 1 页" in text
    assert all(f["emb"] == "yes" for f in pdf.fonts(response.content))


def test_a_card_lists_only_the_members_present_now(client, lintan_official, household):
    from households.models import Household, Member

    gone = household.members.get(name="K1成员2")
    Member.objects.filter(pk=gone.pk).update(left_on=date(2016, 5, 1), leave_reason="death")
    Household.objects.filter(pk=household.pk).update(member_count=2)  # as the services keep it
    client.force_login(lintan_official)
    text = pdf.text(client.get(reverse("printables:household_card", args=[household.pk])).content)
    assert "K1户主" in text and "K1成员1" in text
    assert "K1成员2" not in text and gone.masked_id not in text


def test_a_villages_cards_put_each_household_on_its_own_page(client, lintan_official, household, admin):
    others = [register(admin, CHENGGUAN, f"K{i}", size=2, identified_on=date(2014, 5, 1)) for i in (2, 3)]
    register(admin, XIJIE, "X1", size=2)  # another village: not on these cards
    client.force_login(lintan_official)
    client.post(reverse("printables:region_cards", args=[CHENGGUAN]))
    content = _download(client, Job.objects.get())
    pages = pdf.pages_text(content)
    assert pdf.page_sizes(content) == [("A4", "portrait")] * 3
    for n, (h, page) in enumerate(zip([household, *others], pages, strict=True), start=1):
        assert f"{h.code} {h.head_name}" in page and f"第 {n} 页，共 3 页" in page
    assert "X1户主" not in pdf.text(content)


def test_a_counties_cards_are_a_background_job_with_a_download(client, lintan_clerk, household, admin):
    register(admin, HONGBAOZI, "H1", size=2)
    register(admin, "623022100201", "Z1", size=2)  # 卓尼县: outside the clerk's county
    client.force_login(lintan_clerk)
    response = client.post(reverse("printables:region_cards", args=["623021"]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.done == job.total == 2  # the immediate backend runs it at once
    content = _download(client, job)
    assert pdf.page_sizes(content) == [("A4", "portrait")] * 2
    text = pdf.text(content)
    assert "K1户主" in text and "H1户主" in text and "Z1户主" not in text


def test_the_prefectures_cards_hold_every_countys_households(client, pref_official, household, admin):
    register(admin, "623022100201", "Z1", size=2)  # 卓尼县
    client.force_login(pref_official)
    client.post(reverse("printables:region_cards", args=["623000"]))
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and job.done == job.total == 2
    text = pdf.text(_download(client, job))
    assert "K1户主" in text and "Z1户主" in text


def test_cards_of_another_region_answer_404(client, zhuoni_clerk, household):
    client.force_login(zhuoni_clerk)
    assert client.get(reverse("printables:household_card", args=[household.pk])).status_code == 404
    assert client.post(reverse("printables:region_cards", args=[CHENGGUAN])).status_code == 404
    assert client.post(reverse("printables:region_cards", args=["623021"])).status_code == 404
    assert not Job.objects.exists()


def test_the_cards_query_count_does_not_grow_with_households(admin, household, django_assert_num_queries):
    from households.models import Household
    from printables.selectors import household_cards

    with django_assert_num_queries(6):
        assert (
            len(household_cards(households=Household.objects.filter(village_id=CHENGGUAN), on=timezone.localdate()))
            == 1
        )
    for i in range(4, 9):
        register(admin, CHENGGUAN, f"K{i}", size=3)
    with django_assert_num_queries(6):
        assert (
            len(household_cards(households=Household.objects.filter(village_id=CHENGGUAN), on=timezone.localdate()))
            == 6
        )
