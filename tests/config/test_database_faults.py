"""PostgreSQL stopped and restarted under the running site: 503 with ``Retry-After``
while it is down, never 500, and the pool back at once when it returns.

The cluster is one of the test session's own (Debian's ``pg_createcluster``, on a port
in 5440-5449, dropped at the end); the site is served from it by gunicorn, as in
production. The standard PostgreSQL is never touched."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.servers import PostgresCluster, Site, clean_environment, manage

pytestmark = pytest.mark.slow

DATABASE = "wsis_faults"


@pytest.fixture(scope="session")
def postgres_cluster():
    """The cluster, with the site's database migrated."""
    cluster = PostgresCluster()
    try:
        cluster.create()
        cluster.create_database(DATABASE)
        manage("migrate", "--no-input", env=site_environment(cluster))
        yield cluster
    finally:
        cluster.drop()


def site_environment(cluster: PostgresCluster, **settings: str) -> dict[str, str]:
    return clean_environment(
        DATABASE_URL=cluster.url(DATABASE),
        DEBUG="true",
        API_THROTTLE_ANONYMOUS="10000/minute",
        LOG_LEVEL="WARNING",
        **settings,
    )


@pytest.fixture
def serve(postgres_cluster, tmp_path):
    """Serve the site from the cluster with these settings; stopped after the test."""
    started = []

    def serve(**settings: str) -> Site:
        postgres_cluster.start()  # whatever the last test left
        site = Site(env=site_environment(postgres_cluster, **settings), folder=tmp_path)
        started.append(site)
        site.start()
        assert site.get("/api/v1/editions/").status == 200
        return site

    yield serve
    for site in started:
        site.stop()


def test_postgresql_down_answers_503_with_retry_after_never_500(serve, postgres_cluster):
    # Three workers, each waiting 2 s for a connection rather than 10, so that the
    # three requests below are answered at once.
    running = serve(DATABASE_POOL_TIMEOUT="2", WEB_CONCURRENCY="3")
    postgres_cluster.stop()

    with ThreadPoolExecutor(3) as requests:  # each waits for the pool's timeout
        api, headless, page = requests.map(
            lambda send: send(),
            [
                lambda: running.get("/api/v1/editions/"),
                lambda: running.request(
                    "POST",
                    "/_allauth/app/v1/auth/login",
                    {"email": "a@example.org", "password": "x"},
                ),
                lambda: running.get("/editions/2020/"),
            ],
        )

    assert (api.status, headless.status, page.status) == (503, 503, 503)
    assert api.json() == headless.json()
    assert api.json()["code"] == "service_unavailable"
    assert all(int(r.headers["Retry-After"]) > 0 for r in (api, headless, page))
    assert page.headers["Content-Type"].startswith("text/html")
    assert b"The service is briefly unavailable" in page.body

    postgres_cluster.start()

    assert running.get("/api/v1/editions/").status == 200
    assert running.get("/").status == 200


def test_a_postgresql_restart_costs_no_failed_request(serve, postgres_cluster):
    # The pooled connection dies with the server; the pool checks it before lending it
    # and opens another (after a second), instead of handing a dead one to a request.
    running = serve(WEB_CONCURRENCY="1")
    postgres_cluster.stop()
    postgres_cluster.start()

    assert [running.get("/api/v1/editions/").status for _ in range(6)] == [200] * 6
