import pytest

pytestmark = pytest.mark.django_db


def test_smoke(client, world):
    client.force_login(world.users.province)
    for url in ["/reports/", "/reports/tables/", "/reports/211224000000/"]:
        r = client.get(url)
        assert r.status_code == 200, url
    from reports.tables import REGISTRY

    for key in REGISTRY:
        r = client.get(f"/reports/tables/{key}/")
        assert r.status_code == 200, key
        r = client.post(f"/reports/tables/{key}/export/", {"format": "csv"})
        assert r.status_code == 200, key
        print(key, b"".join(r.streaming_content).decode()[:600])
