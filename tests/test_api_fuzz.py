"""schemathesis over the OpenAPI schema, per role: generated requests to every operation, no 5xx allowed.

Bounded (EXAMPLES per operation and role) so CI spends a couple of minutes;
each request goes through the test client as the signed-in role.
"""

import pytest
import schemathesis
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.core import NotSet

from tests.conftest import record_year, register

pytestmark = pytest.mark.slow
EXAMPLES = 4


def operations():
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    return [r.ok() for r in schema.get_all_operations()]


OPERATIONS = operations()


@pytest.fixture
def some_register(admin):
    h = register(admin, "623021100201", "F001")
    record_year(admin, h, 2015)
    return h


@pytest.mark.parametrize("role", ["pref_official", "lintan_clerk", "admin"])
def test_no_generated_request_gets_a_server_error(request, role, some_register):
    user = request.getfixturevalue(role)
    client = APIClient()
    client.force_authenticate(user)
    failures: list[str] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        for operation in OPERATIONS:
            case = data.draw(operation.as_strategy())
            body = None if isinstance(case.body, NotSet) else case.body
            query = {k: v for k, v in (case.query or {}).items()}
            response = (
                client.generic(
                    case.method,
                    case.formatted_path,
                    data=None,
                    content_type="application/json",
                    QUERY_STRING=_query_string(query),
                )
                if body is None
                else getattr(client, case.method.lower())(
                    case.formatted_path + "?" + _query_string(query), body, format="json"
                )
            )
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {query} {body!r} → {response.status_code}")

    run()
    assert failures == []
    assert reverse("schema")


def _query_string(query: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(query, doseq=True)
