"""The interface in English: the header switch, the main pages and a complete catalogue."""

import ast
import gettext
import html as htmllib
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from households.models import Status

from .conftest import change_status, record_year, register

CHENGGUAN = "623021100201"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def in_english(client, user):
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return htmllib.unescape(response.content.decode())


@pytest.fixture
def household(lintan_clerk):
    h = register(lintan_clerk, CHENGGUAN, "H701", size=3)
    record_year(lintan_clerk, h, 2015)
    change_status(lintan_clerk, h, Status.EXITED_STABLE, date(2015, 12, 1))
    return h


def test_the_switch_works_on_the_login_page_before_signing_in(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    html = page(client, "/accounts/login/")
    assert "Log in" in html and "Password" in html
    assert "登录" not in html and "密码" not in html


def test_the_overview_speaks_english(client, lintan_official, household):
    in_english(client, lintan_official)
    html = page(client, "/?year=2015")
    for text in [
        "Gannan Poverty Alleviation Platform",
        "Poor population",
        "Poverty incidence",
        "Population exiting poverty this year",
        "Remaining poor villages",
        "Show data table",
    ]:
        assert text in html, text
    for text in ["贫困人口", "贫困发生率", "当年脱贫人口", "数据总览", "显示数据表"]:
        assert text not in html, text


def test_the_household_list_speaks_english(client, lintan_clerk, household):
    in_english(client, lintan_clerk)
    html = page(client, reverse("households:list"))
    for text in [
        "Poor household register",
        "Household no.",
        "Household head",
        "Stable exit",
        "Ordinary poor household",
        "<strong>3</strong> people",
    ]:
        assert text in html, text
    for text in ["贫困户名册", "户编号", "稳定脱贫", "一般贫困户", "当前状态"]:
        assert text not in html, text


def test_the_household_page_speaks_english(client, lintan_clerk, household):
    in_english(client, lintan_clerk)
    html = page(client, reverse("households:detail", args=[household.pk]))
    for text in [
        "Household file",
        "Basic information",
        "Household members",
        "Relation to household head",
        'Annual income and "Two Assurances, Three Guarantees"',
        "Status history",
        "Assigned cadre",
    ]:
        assert text in html, text
    for text in ["一户一档", "基本情况", "家庭成员", "与户主关系", "两不愁三保障", "状态变更记录", "帮扶责任人"]:
        assert text not in html, text


def test_the_funds_page_speaks_english(client, lintan_official, household):
    in_english(client, lintan_official)
    html = page(client, reverse("metrics:funds") + "?year=2015")
    for text in [
        "funds & projects",
        "Loan coverage (every eligible household)",
        "Funds by source (by year)",
        "Poverty-alleviation projects, 2015",
    ]:
        assert text in html, text
    for text in ["资金项目", "应贷尽贷覆盖率", "万元", "扶贫项目"]:
        assert text not in html, text


def test_chinese_stays_the_default(client, lintan_official, household):
    client.force_login(lintan_official)
    html = page(client, "/?year=2015")
    assert "贫困发生率" in html and "Poverty incidence" not in html


def po_entries(path: Path) -> list[dict[str, str]]:
    """msgid / msgid_plural / msgstr[...] of each entry (obsolete ones skipped), strings unquoted and joined."""
    entries: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    field = ""
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, field = None, ""
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                current = current or {}
                current["flags"] = line
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        current = current or {}
        if match:
            field = match.group(1)
            current[field] = ast.literal_eval(match.group(2))
        else:
            current[field] += ast.literal_eval(line)
    return [e for e in entries if "msgid" in e]


def test_the_english_catalogue_translates_every_string():
    entries = [e for e in po_entries(CATALOGUE) if e["msgid"]]
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    assert untranslated == [] and fuzzy == []
    chinese = [
        e["msgid"]
        for e in entries
        if any(
            re.search(r"[\u4e00-\u9fff]", v) and "因病" not in v and "是" not in v
            for k, v in e.items()
            if k.startswith("msgstr")
        )
    ]
    assert chinese == []


def test_the_compiled_catalogue_matches_the_source():
    """The .mo is committed (a fresh machine needs no gettext): it must say what the .po says."""
    with open(CATALOGUE.with_suffix(".mo"), "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for e in po_entries(CATALOGUE):
        if not e["msgid"]:
            continue
        key = e["msgctxt"] + "\x04" + e["msgid"] if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            assert compiled._catalog[(key, 1)] == e["msgstr[1]"], e["msgid"]
        else:
            assert compiled._catalog[key] == e["msgstr"], e["msgid"]


def test_the_admin_index_names_every_app_in_chinese(client, admin):
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    for english in ("Axes", "AXES", "Funds", "Metrics", "Villages", "Access attempts"):
        assert f">{english}<" not in html, english
    assert "扶贫资金" in html and "登录失败与锁定" in html and "登录失败记录" in html


def test_the_audit_trail_names_what_changed_in_chinese(client, admin, lintan_clerk):
    from datetime import date

    from .conftest import change_status, register

    household = register(lintan_clerk, "623021100201", "H1")
    change_status(lintan_clerk, household, "exited_stable", date(2016, 10, 1))
    client.force_login(admin)
    html = client.get("/audit/").content.decode()
    assert "状态变更" in html and "statuschange" not in html and ">household<" not in html
    admin_html = client.get("/admin/audit/auditentry/").content.decode()
    assert "状态变更" in admin_html and '<td class="field-object_type_shown">statuschange' not in admin_html


def test_the_programme_chart_and_workbook_name_programmes_in_chinese(client, lintan_clerk, lintan_official):
    import io

    import openpyxl

    from .funds_cast import allocate, pay, project

    p = project(lintan_clerk, programme="infrastructure")
    allocate(lintan_clerk, p, "30000")
    pay(lintan_clerk, p, "20000", village="623021100202")
    client.force_login(lintan_official)
    csv_text = client.get("/region/623021/chart/by_programme.csv?year=2015").content.decode("utf-8-sig")
    assert "基础设施" in csv_text and "infrastructure" not in csv_text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/region/623021/export.xlsx?year=2015").getvalue()))
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert "基础设施" in cells and not any("infrastructure" in c for c in cells)
