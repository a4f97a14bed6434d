"""The Django admin: every model registered, open to the admin role, register models read-only."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEntry
from households.models import PovertyLine

from .conftest import record_year, register


def test_every_model_of_our_apps_is_registered():
    ours = [
        m
        for m in apps.get_models()
        if m._meta.app_label in ("accounts", "villages", "households", "funds", "metrics", "audit")
    ]
    assert len(ours) > 20
    for model in ours:
        assert django_admin.site.is_registered(model), model


@pytest.fixture
def some_data(lintan_clerk):
    h = register(lintan_clerk, "623021100201", "M001")
    record_year(lintan_clerk, h, 2015)
    return h


def test_the_admin_role_opens_every_changelist(client, admin, some_data):
    client.force_login(admin)
    assert client.get(reverse("admin:index")).status_code == 200
    for model in django_admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:villages_division_changelist"), {"q": "城关"}).status_code == 200


def test_register_records_are_read_only_in_the_admin_and_link_to_the_platform(client, admin, some_data):
    client.force_login(admin)
    url = reverse("admin:households_household_change", args=[some_data.pk])
    page = client.get(url).content.decode()
    assert reverse("households:edit", args=[some_data.pk]) in page
    assert 'name="_save"' not in page
    assert client.post(url, {"phone": "1"}).status_code == 403
    assert client.get(reverse("admin:households_member_add")).status_code == 403
    some_data.refresh_from_db()
    assert some_data.phone == ""


def test_admins_set_a_later_years_poverty_line_and_it_is_audited(client, admin):
    client.force_login(admin)
    response = client.post(reverse("admin:households_povertyline_add"), {"year": "2016", "amount": "2952"})
    assert response.status_code == 302
    assert PovertyLine.objects.get(year=2016).amount == Decimal("2952")
    assert AuditEntry.objects.get(object_type="povertyline").changes["amount"] == [None, "2952"]


def test_admins_create_users_with_role_and_division(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new_clerk",
            "password1": "a-Long-pass-123",
            "password2": "a-Long-pass-123",
            "role": Role.CLERK,
            "division": "623021100",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = get_user_model().objects.get(username="new_clerk")
    assert user.role == Role.CLERK and user.division_id == "623021100" and not user.is_staff


def test_clerks_and_officials_stay_out_of_the_admin(client, lintan_clerk, pref_official):
    for user in (lintan_clerk, pref_official):
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_an_admin_cannot_be_given_a_division(client, admin):
    """Decided (docs/SECURITY.md): admins run the whole prefecture, so a division is refused, not half-applied."""
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "zhuoni_admin",
            "password1": "a-long-pass-9931",
            "password2": "a-long-pass-9931",
            "role": Role.ADMIN,
            "division": "623022",
        },
    )
    assert response.status_code == 200
    assert "管理员管理全州，不能指定所属区划" in response.content.decode()
    assert not get_user_model().objects.filter(username="zhuoni_admin").exists()


def test_the_database_refuses_an_admin_with_a_division_whatever_the_path(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create_user(username="sneaky", password="x", role=Role.ADMIN, division_id="623022")


def test_the_division_tree_and_village_facts_are_read_only_in_the_admin(client, admin):
    from villages.models import Division, VillageYear

    VillageYear.objects.create(village_id="623021100201", year=2015, rural_population=100)
    client.force_login(admin)
    village = reverse("admin:villages_division_change", args=["623021100201"])
    assert 'name="_save"' not in client.get(village).content.decode()
    assert client.post(village, {"name": "改名村"}).status_code == 403
    assert client.get(reverse("admin:villages_division_add")).status_code == 403
    assert client.get(reverse("admin:villages_villageyear_add")).status_code == 403
    assert Division.objects.get(code="623021100201").name == "城关村"


def test_exit_targets_set_changed_and_deleted_in_the_admin_are_audited(client, admin):
    from metrics.models import ExitTarget

    client.force_login(admin)
    added = client.post(
        reverse("admin:metrics_exittarget_add"), {"division": "623021", "year": 2016, "target_population": 1200}
    )
    assert added.status_code == 302
    target = ExitTarget.objects.get(division_id="623021", year=2016)
    changed = client.post(
        reverse("admin:metrics_exittarget_change", args=[target.pk]),
        {"division": "623021", "year": 2016, "target_population": 1300},
    )
    assert changed.status_code == 302
    deleted = client.post(reverse("admin:metrics_exittarget_delete", args=[target.pk]), {"post": "yes"})
    assert deleted.status_code == 302 and not ExitTarget.objects.exists()
    trail = AuditEntry.objects.filter(object_type="exittarget").order_by("id")
    assert [(e.action, e.user, e.region_code) for e in trail] == [
        ("create", admin, "623021"),
        ("update", admin, "623021"),
        ("delete", admin, "623021"),
    ]
    assert trail[1].changes == {"target_population": [1200, 1300]}
