"""Other systems call the API with a token an admin created for a user; browsers use their session."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import member, register


def test_a_token_lets_another_system_read_and_write_within_its_users_region(admin, lintan_clerk):
    register(admin, "623021100201", "L001")
    register(admin, "623022100201", "Z001")
    token = Token.objects.create(user=lintan_clerk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    listed = client.get("/api/households/")
    assert listed.status_code == 200
    assert [h["code"] for h in listed.json()["results"]] == ["L001"]

    created = client.post(
        "/api/households/",
        {
            "code": "6230211002020002",
            "village": "623021100202",
            "main_cause": 1,
            "identified_year": 2015,
            "members": [member("拉姆", male=False)],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()


def test_a_wrong_token_is_refused_with_401(lintan_clerk):
    Token.objects.create(user=lintan_clerk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = client.get("/api/households/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_deactivated_users_token_stops_working(lintan_clerk):
    token = Token.objects.create(user=lintan_clerk)
    lintan_clerk.is_active = False
    lintan_clerk.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/households/").status_code == 401


def test_a_browser_session_must_send_the_csrf_token_to_write(lintan_clerk):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(lintan_clerk)
    assert client.get("/api/households/").status_code == 200
    response = client.post("/api/village-years/", {"village": "623021100201", "year": 2015}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
