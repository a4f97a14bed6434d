"""The first screen opens on the campaign: its latest year with poor people, its headline, an obvious year switch."""

from datetime import date

from .conftest import change_status


def test_the_overview_opens_on_the_latest_year_with_poor_people_not_on_a_year_of_zeros(
    client, admin, lintan_official, metrics_cast
):
    # D, the last poor household of 临潭县, exits in 2020: 2020 is the newest year with data, but every figure is 0.
    change_status(admin, metrics_cast["D"], "exited_stable", date(2020, 10, 1), reason="核查")
    client.force_login(lintan_official)
    html = client.get("/region/623021/").content.decode()
    assert 'href="?year=2019" aria-current="page"' in html and "2019年末" in html
    assert 'data-kpi="poor_population" data-raw="5"' in html


def test_the_headline_is_the_campaign_from_its_first_year_to_2020(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    html = client.get("/region/623021/?year=2016").content.decode()
    assert "脱贫攻坚 2011—2020" in html
    assert '<strong data-campaign="first">0</strong> → <strong data-campaign="last">5</strong>' in html
    assert "脱贫攻坚的统计到2020年末为止" in html


def test_every_year_is_one_click_away_and_the_shown_one_is_marked(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    html = client.get("/?year=2015").content.decode()
    assert 'href="?year=2011"' in html and 'href="?year=2020"' in html
    assert html.count('aria-current="page"') == 2  # the year and the breadcrumb's region


def test_after_2020_the_incidence_is_not_news(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    html = client.get("/?year=2022").content.decode()
    assert "2022年在脱贫攻坚期（2011—2020年）之后" in html
    assert 'data-kpi="poverty_incidence" data-raw="">—</div>' in html and "0.0%" not in html.split("kpis")[1][:3000]


def test_exits_are_counted_in_households_as_well(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    html = client.get("/?year=2015").content.decode()
    # 2015: A (4 people) and B (3 people) exit.
    assert 'data-kpi="exited_population" data-raw="7"' in html
    assert 'data-kpi="exited_households" data-raw="2">2</span> 户' in html


def test_the_funds_page_opens_on_the_same_year_as_the_overview(client, lintan_official, metrics_cast):
    client.force_login(lintan_official)
    overview = client.get("/").content.decode()
    funds = client.get("/funds/").content.decode()
    assert 'href="?year=2018" aria-current="page"' in overview
    assert 'href="?year=2018" aria-current="page"' in funds
