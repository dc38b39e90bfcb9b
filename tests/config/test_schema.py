import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_and_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    text = out.read_text()
    for path in [
        "/api/v1/action-lines/",
        "/api/v1/editions/",
        "/api/v1/editions/{year}/",
        "/api/v1/editions/{year}/categories/",
    ]:
        assert f"{path}:" in text


def test_schema_is_served_as_openapi(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_docs_page_loads_its_assets_from_this_site(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # Nothing loads from another host (no CDN at run time).
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
