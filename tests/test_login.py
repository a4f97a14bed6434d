"""Login everywhere but the login page, and failed logins are throttled (django-axes)."""

from django.urls import reverse

from .conftest import register


def test_every_page_but_the_login_page_needs_a_login(client):
    for url in ["/", reverse("households:list"), reverse("audit:index"), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url, url
    assert "登录" in client.get(reverse("login")).content.decode()


def test_a_correct_password_logs_in(client, lintan_clerk):
    response = client.post(reverse("login"), {"username": "lintan_clerk", "password": "pw-lintan_clerk"})
    assert response.status_code == 302
    assert client.get(reverse("households:list")).status_code == 200


def test_the_sixth_wrong_password_is_locked_out_and_then_even_the_right_one_fails(client, lintan_clerk):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "lintan_clerk", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "lintan_clerk", "password": "wrong"})
    assert "账号已暂时锁定" in response.content.decode()
    response = client.post(reverse("login"), {"username": "lintan_clerk", "password": "pw-lintan_clerk"})
    assert "账号已暂时锁定" in response.content.decode()
    assert client.get(reverse("households:list")).status_code == 302


def test_a_few_wrong_passwords_do_not_lock_out(client, lintan_clerk):
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "lintan_clerk", "password": "wrong"})
        assert "用户名或密码错误" in response.content.decode()
    response = client.post(reverse("login"), {"username": "lintan_clerk", "password": "pw-lintan_clerk"})
    assert response.status_code == 302


def test_the_language_switch_posts_to_set_language(client, lintan_clerk):
    client.force_login(lintan_clerk)
    page = client.get(reverse("households:list")).content.decode()
    assert f'action="{reverse("set_language")}"' in page and 'name="language" value="en"' in page
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("households:list")})
    assert response.status_code == 302 and response.url == reverse("households:list")
    assert response.cookies["django_language"].value == "en"


def test_a_forbidden_or_missing_page_explains_itself(client, lintan_official, admin):
    h = register(admin, "623022100201", "Z404")
    client.force_login(lintan_official)
    assert "无权操作" in client.get(reverse("households:create")).content.decode()
    assert "不在您的查看范围内" in client.get(reverse("households:detail", args=[h.pk])).content.decode()
