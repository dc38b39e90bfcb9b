import re

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

ERROR = "#/components/schemas/Error"
APP = "/_allauth/app/v1"
METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(openapi: dict, prefix: str = "/api/v1/"):
    for path, item in openapi["paths"].items():
        if path.startswith(prefix):
            for method, operation in item.items():
                if method in METHODS:
                    yield method.upper(), path, operation


def codes(response: dict) -> set[str]:
    return set(re.findall(r"`(\w+)`", response["description"]))


def test_schema_generates_and_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    text = out.read_text()
    for path in [
        "/api/v1/action-lines/",
        "/api/v1/editions/",
        "/api/v1/editions/{year}/",
        "/api/v1/editions/{year}/categories/",
        f"{APP}/auth/signup",
        f"{APP}/auth/login",
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


def test_the_error_component_is_detail_code_and_field_errors(openapi):
    error = openapi["components"]["schemas"]["Error"]

    assert set(error["required"]) == {"detail", "code"}
    assert error["properties"]["errors"] == {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "description": error["properties"]["errors"]["description"],
    }


def test_every_api_operation_documents_the_errors_it_can_answer(openapi):
    """400 where it reads a body or query parameters, 401 everywhere (a wrong session
    token), 404 for path parameters and pages, 413 and 415 where it reads a body, 429
    and 503 everywhere; each with the error body, 401, 429 and 503 with their headers."""
    checked = 0
    for method, path, operation in operations(openapi):
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        expected = {"401", "429", "503"}
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        if any(p["in"] == "query" for p in parameters):
            expected |= {"400", "404"}
        if any(p["in"] == "path" for p in parameters):
            expected.add("404")
        assert expected <= set(responses), (method, path, sorted(responses))
        for status, response in responses.items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR}, (method, path, status)
                assert codes(response), (method, path, status)
        assert responses["429"]["headers"]["Retry-After"]["required"] is True
        assert responses["401"]["headers"]["WWW-Authenticate"]["schema"]["enum"] == [
            "X-Session-Token"
        ]
        assert codes(responses["429"]) == {"throttled"}
        assert responses["503"]["headers"]["Retry-After"]["required"] is True
        assert codes(responses["503"]) == {"service_unavailable"}
        checked += 1
    assert checked == 24


# Who may do what: the 403 and 409 of each operation, and the codes they carry.
REFUSALS = {
    ("GET", "/api/v1/editions/{year}/ballot/"): {"403": {"email_not_verified"}},
    ("PUT", "/api/v1/editions/{year}/ballot/{category}/"): {
        "400": {"parse_error", "invalid", "not_a_nominee", "wrong_category"},
        "403": {"email_not_verified", "voting_closed", "voter_excluded", "csrf_failed"},
        "404": {"not_found"},
        "409": {"vote_invalidated"},
    },
    ("DELETE", "/api/v1/editions/{year}/ballot/{category}/"): {
        "403": {"email_not_verified", "voting_closed", "voter_excluded", "csrf_failed"},
        "409": {"vote_invalidated"},
    },
    ("GET", "/api/v1/editions/{year}/statistics/"): {"403": {"permission_denied", "mfa_required"}},
    ("GET", "/api/v1/editions/{year}/results/"): {"404": {"not_found", "results_not_published"}},
    ("POST", "/api/v1/editions/{year}/my-projects/"): {
        "400": {"parse_error", "invalid", "wrong_category"},
        "403": {"email_not_verified", "submission_closed", "csrf_failed"},
    },
    ("PATCH", "/api/v1/editions/{year}/my-projects/{id}/"): {
        "403": {"email_not_verified", "submission_closed", "csrf_failed"},
        "409": {"project_not_editable"},
    },
    ("POST", "/api/v1/editions/{year}/my-projects/{id}/submit/"): {
        "400": {"submission_invalid"},
        "409": {"project_not_editable"},
    },
    ("PUT", "/api/v1/editions/{year}/my-projects/{id}/logo/"): {
        "400": {"parse_error", "invalid", "too_many_files", "file_refused"},
        "413": {"file_too_large"},
        "409": {"project_not_editable"},
    },
    ("POST", "/api/v1/editions/{year}/my-projects/{id}/images/"): {
        "400": {"parse_error", "invalid", "too_many_files", "too_many_images", "file_refused"},
        "413": {"file_too_large"},
    },
}
# Operations that refuse no one who is authenticated (reading, and one's own account).
NO_403 = {
    ("GET", "/api/v1/action-lines/"),
    ("GET", "/api/v1/editions/"),
    ("GET", "/api/v1/editions/{year}/"),
    ("GET", "/api/v1/editions/{year}/categories/"),
    ("GET", "/api/v1/editions/{year}/nominees/"),
    ("GET", "/api/v1/editions/{year}/nominees/{id}/"),
    ("GET", "/api/v1/editions/{year}/ceremony/"),
    ("GET", "/api/v1/editions/{year}/results/"),
    ("GET", "/api/v1/editions/{year}/my-projects/"),
    ("GET", "/api/v1/editions/{year}/my-projects/{id}/"),
    ("GET", "/api/v1/me/"),
}


def test_each_operation_lists_the_codes_of_its_refusals(openapi):
    documented = {(method, path): operation for method, path, operation in operations(openapi)}

    for key, statuses in REFUSALS.items():
        for status, expected in statuses.items():
            assert codes(documented[key]["responses"][status]) == expected, (key, status)
    for key, operation in documented.items():
        assert ("403" in operation["responses"]) == (key not in NO_403), key


def test_the_headless_auth_endpoints_clients_use_are_described(openapi):
    described = {(method, path): operation for method, path, operation in operations(openapi, APP)}

    assert set(described) == {
        ("POST", f"{APP}/auth/signup"),
        ("POST", f"{APP}/auth/code/request"),
        ("POST", f"{APP}/auth/code/confirm"),
        ("GET", f"{APP}/auth/email/verify"),
        ("POST", f"{APP}/auth/email/verify"),
        ("POST", f"{APP}/auth/login"),
        ("GET", f"{APP}/auth/session"),
        ("DELETE", f"{APP}/auth/session"),
        ("POST", f"{APP}/auth/password/request"),
        ("GET", f"{APP}/auth/password/reset"),
        ("POST", f"{APP}/auth/password/reset"),
    }
    login = described[("POST", f"{APP}/auth/login")]
    body = login["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["email", "password"]
    assert set(login["responses"]) == {"200", "400", "401", "409", "410", "413", "429", "503"}
    assert login["security"] == [{"sessionToken": []}, {}]
    signed_in = login["responses"]["200"]["content"]["application/json"]["schema"]
    assert signed_in == {"$ref": "#/components/schemas/AuthSession"}
    session = openapi["components"]["schemas"]["AuthSession"]["properties"]
    assert "session_token" in session["meta"]["properties"]
    for (method, path), operation in described.items():
        assert operation["responses"]["429"]["headers"]["Retry-After"]["required"] is True
        assert operation["responses"]["503"]["headers"]["Retry-After"]["required"] is True
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in {"AuthError", "AuthFlows", "Error"}, (
                    method,
                    path,
                    status,
                )
    signup = described[("POST", f"{APP}/auth/signup")]["requestBody"]["content"]
    fields = signup["application/json"]["schema"]["properties"]
    assert {
        "email",
        "password",
        "name",
        "country",
        "organisation",
        "stakeholder_type",
        "altcha",
    } == set(fields)
    # A voter signs up with an e-mail address alone and goes on with a login code: the
    # profile page asks for the rest later.
    assert signup["application/json"]["schema"]["required"] == ["email"]


def test_the_login_code_endpoints_are_described(openapi):
    described = {(method, path): operation for method, path, operation in operations(openapi, APP)}

    request = described[("POST", f"{APP}/auth/code/request")]
    confirm = described[("POST", f"{APP}/auth/code/confirm")]

    assert request["requestBody"]["content"]["application/json"]["schema"]["required"] == ["email"]
    assert confirm["requestBody"]["content"]["application/json"]["schema"]["required"] == ["code"]
    pending = {"$ref": "#/components/schemas/AuthFlows"}
    assert request["responses"]["401"]["content"]["application/json"]["schema"] == pending
    assert confirm["responses"]["401"]["content"]["application/json"]["schema"] == pending
    signed_in = confirm["responses"]["200"]["content"]["application/json"]["schema"]
    assert signed_in == {"$ref": "#/components/schemas/AuthSession"}
    # No code waiting (expired, used up, never asked for) is a conflict.
    assert "409" in confirm["responses"]
    assert "`incorrect_code`" in confirm["responses"]["400"]["description"]
