"""The imports admin (§9): an uploaded file holds personal data unmasked, so the admin never links it under
/media/; it goes out only through the audited pages (imports:annotated, imports:roster_file)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from imports.models import ImportJob, Roster, RosterField

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [ImportJob, Roster])
def test_the_admin_change_page_shows_no_link_to_the_uploaded_file(client, users, tree, model):
    extra = {"field": RosterField.DIBAO} if model is Roster else {}
    record = model(created_by=users.clerk_a, scope=tree.village_a, original_name="东村.xlsx", **extra)
    record.file.save("东村.xlsx", ContentFile(b"PK not really a workbook"), save=False)
    record.save()
    client.force_login(users.admin)  # a superuser
    url = reverse(f"admin:imports_{model._meta.model_name}_change", args=[record.pk])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and "东村.xlsx" in page  # the page itself opens, with the name
    assert "/media/" not in page and record.file.name not in page
