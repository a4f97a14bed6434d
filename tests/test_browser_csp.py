"""With the Content-Security-Policy on (self only, no inline script), every page type loads without a violation."""

from datetime import date
from decimal import Decimal

import pytest

from funds.models import FundSource
from households.models import Household

from . import funds_cast as fc
from .conftest import browser_login

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_every_page_type_loads_with_no_csp_violation(browser, live_server, dashboard_cast):
    from accounts.models import Role
    from funds.services import loan_create

    from .conftest import make_user

    make_user("csp_admin", Role.ADMIN, None)
    h: Household = dashboard_cast["A"]
    from accounts.models import User

    by = User.objects.get(username="admin")
    # A transactional test starts without the sources the migration seeds.
    FundSource.objects.get_or_create(code="central", defaults={"name": "中央财政专项扶贫资金", "kind": "central"})
    project = fc.project(by, "623021")
    fc.allocate(by, project, "100000")
    fc.pay(by, project, "5000", household=h)
    head = h.members.get(relation="head")
    loan_create(
        user=by,
        household=h,
        borrower=head,
        bank="信用社",
        amount=Decimal("50000"),
        issued_on=date(2015, 3, 1),
        term_months=36,
    )
    pages = [
        "/?year=2015",
        "/region/623021/?year=2015",
        "/region/623021100201/?year=2015",
        "/households/",
        f"/households/{h.pk}/",
        f"/households/{h.pk}/edit/",
        f"/households/{h.pk}/years/new/",
        f"/households/{h.pk}/status/",
        "/households/new/",
        "/data/",
        "/data/import/households/",
        "/funds/?year=2015",
        "/funds/region/623021/?year=2015",
        "/funds/region/623021/gaps/?year=2015",
        "/funds/add/project/",
        "/audit/",
        "/admin/",
        "/admin/households/household/",
        "/api/docs/",
        "/households/99999999/",
        "/?year=1",
    ]
    context, page = browser_login(browser, live_server, "csp_admin", "pw-csp_admin")
    context.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    seen = {}
    for url in pages:
        response = page.goto(live_server.url + url)
        assert response is not None and "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
        seen[url] = page.evaluate("window.__csp")
    assert {u: v for u, v in seen.items() if v} == {}
    assert console == []
    # The charts did draw (plotly ran under the policy).
    page.goto(live_server.url + "/region/623021/?year=2015")
    page.wait_for_selector(".js-plotly-plot", timeout=15000)
    context.close()
