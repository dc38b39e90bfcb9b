"""The fraud review at scale: the secretariat's fraud page and a decision on it, with an
edition of about 2 million votes on PostgreSQL. See bench/README.md.

    .venv/bin/python bench/fraud_page_bench.py [--votes 2000000] [--loads 20]

It drops and creates the database ``wsis_bench_fraud`` and fills it in bulk (INSERT ...
SELECT generate_series: votes spread over 18 categories, 360 nominees, thousands of
networks and a week of voting, each with its history row), with rings that the signals
find: clusters of new accounts from one network, accounts sharing a mailbox, and
accounts voting faster than a person clicks. Then it prints:

- how long computing the signals takes (what every load of the page did before they
  were stored, and what the beat task now does in the background);
- the page's time over ``--loads`` loads (p50, p95, max), through Django's test client
  with the production settings (DEBUG off), and its slowest queries;
- an invalidation and an exclusion: the request's time (it queues the job on Redis) and
  the job's time (run here as a worker runs it).
"""

import argparse
import statistics
import time
from pathlib import Path

import vote_bench
from database import bench_env, database_prepare, django_setup

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "wsis_bench_fraud"
ENV = bench_env(
    DATABASE,
    SECURE_SSL_REDIRECT="false",
    SESSION_COOKIE_SECURE="false",
    CSRF_COOKIE_SECURE="false",
    SECURE_HSTS_SECONDS="0",
    # A broker, so that a decision's request only queues its job, as in production.
    CELERY_BROKER_URL="redis://127.0.0.1:6379/12",
    CACHE_URL="redis://127.0.0.1:6379/12",
)
CATEGORIES = 18
NOMINEES = 20
# Share of the categories an ordinary voter votes in (about 14 of 18).
VOTED_SHARE = 8  # in tenths
RINGS = 200  # clusters of new accounts from one network, for one nominee
RING_SIZE = 8
MAILBOXES = 300  # mailboxes with three accounts each
FAST_VOTERS = 100  # 18 votes in a few seconds each


def say(text: str) -> None:
    print(text, flush=True)


def seed(votes: int):
    """The edition, its voters and their votes, with their history; the rings."""
    from django.db import connection
    from django.utils import timezone

    from awards.models import Edition, Project, ProjectStatus
    from awards.phases import Phase, timeline_around
    from awards.services import edition_categories_create_standard
    from tests.factories import UserFactory

    now = timezone.now()
    edition = Edition.objects.create(
        year=2020, title="WSIS Prizes 2020", **timeline_around(current=Phase.VOTING, at=now)
    )
    categories = edition_categories_create_standard(edition=edition)
    Project.objects.bulk_create(
        Project(
            edition=edition,
            category=category,
            title=f"Nominee {category.number}-{n}",
            organisation_name=f"Organisation {category.number}-{n}",
            status=ProjectStatus.NOMINEE,
            submitted_at=now,
        )
        for category in categories
        for n in range(NOMINEES)
    )
    secretariat = UserFactory(
        email="secretariat@bench.example",
        is_staff=True,
        is_superuser=True,
        email_confirmed=True,
        mfa=True,
        roles=["Secretariat"],
    )
    voters = votes * 10 // (CATEGORIES * VOTED_SHARE)
    params = {
        "edition": edition.pk,
        "voters": voters,
        "rings": RINGS * RING_SIZE,
        "ring_size": RING_SIZE,
        "mailboxes": MAILBOXES * 3,
        "fast": FAST_VOTERS,
        "share": VOTED_SHARE,
        "nominees": NOMINEES,
    }
    started = time.monotonic()
    with connection.cursor() as cursor:
        # Ordinary voters joined over the last two months; ring members an hour before
        # their ring voted; mailbox rings share a Gmail mailbox (dots, +tags).
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, is_staff, is_active,
                date_joined, email, name, country, organisation, stakeholder_type, language)
            SELECT '!', false, false, true,
                now() - interval '60 days' * random(),
                CASE
                    WHEN g <= %(rings)s THEN 'ring' || g || '@bench.example'
                    WHEN g <= %(rings)s + %(mailboxes)s THEN
                        (ARRAY['box.', 'box', 'b.ox'])[1 + g %% 3]
                        || ((g - %(rings)s - 1) / 3)
                        || (ARRAY['', '+wsis', '+x'])[1 + g %% 3] || '@gmail.com'
                    WHEN g <= %(rings)s + %(mailboxes)s + %(fast)s
                        THEN 'fast' || g || '@bench.example'
                    ELSE 'voter' || g || '@bench.example'
                END,
                'Voter', '', '', '', ''
            FROM generate_series(1, %(voters)s) g
            """,
            params,
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_voter AS SELECT id, row_number() OVER (ORDER BY id) AS r "
            "FROM accounts_user WHERE id <> %s",
            [secretariat.pk],
        )
        cursor.execute("ALTER TABLE voting_vote DISABLE TRIGGER USER")
        # Ordinary votes: a nominee skewed towards the first ones, a network among some
        # 5,000, a moment in the last week. Ring members vote for the same nominee of
        # category 1 from one network within minutes; fast voters every 0.2 s.
        cursor.execute(
            """
            INSERT INTO voting_vote (edition_id, category_id, nominee_id, voter_id, cast_at,
                changed_at, network, user_agent, invalidated_reason)
            SELECT %(edition)s, c.id, n.id, v.id, t.at, t.at,
                CASE WHEN v.r <= %(rings)s
                        THEN '192.0.' || ((v.r - 1) / %(ring_size)s) || '.0/24'
                     ELSE (10 + v.r %% 50) || '.' || (v.r * 7 %% 100) || '.'
                        || (v.r %% 17) || '.0/24'
                END,
                (ARRAY['Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
                       'Mozilla/5.0 (Windows NT 10.0) Chrome/126.0',
                       'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) Safari/604.1'])[1 + v.r %% 3],
                ''
            FROM bench_voter v
            CROSS JOIN awards_category c
            CROSS JOIN LATERAL (
                SELECT CASE
                    WHEN v.r <= %(rings)s THEN
                        now() - interval '1 day' * ((v.r - 1) / %(ring_size)s) / 10
                        + interval '30 seconds' * (v.r %% %(ring_size)s)
                        + interval '1 second' * c.number
                    WHEN v.r <= %(rings)s + %(mailboxes)s + %(fast)s
                        AND v.r > %(rings)s + %(mailboxes)s THEN
                        now() - interval '3 days' + interval '1 minute' * v.r
                        + interval '200 milliseconds' * c.number
                    ELSE now() - interval '7 days' * random()
                END AS at
            ) t
            JOIN LATERAL (
                SELECT p.id FROM awards_project p WHERE p.category_id = c.id
                ORDER BY p.id
                OFFSET CASE WHEN v.r <= %(rings)s THEN %(nominees)s - 1
                            ELSE floor(%(nominees)s * power(random(), 2))::int END
                LIMIT 1
            ) n ON true
            WHERE c.edition_id = %(edition)s
              AND (v.r <= %(rings)s + %(mailboxes)s + %(fast)s
                   OR (v.r * 7 + c.number * 13) %% 10 < %(share)s)
            """,
            params,
        )
        # Ring members joined an hour before their ring voted.
        cursor.execute(
            """
            UPDATE accounts_user u SET date_joined = v.first - interval '1 hour'
            FROM (SELECT voter_id, min(cast_at) AS first FROM voting_vote
                  WHERE voter_id IN (SELECT id FROM bench_voter WHERE r <= %(rings)s)
                  GROUP BY voter_id) v
            WHERE u.id = v.voter_id
            """,
            params,
        )
        cursor.execute("ALTER TABLE voting_vote ENABLE TRIGGER USER")
        cursor.execute(
            """
            INSERT INTO voting_voteevent (edition_id, category_id, nominee_id, voter_id,
                action, at, network, user_agent, note)
            SELECT edition_id, category_id, nominee_id, voter_id, 'cast', cast_at, network,
                user_agent, ''
            FROM voting_vote WHERE edition_id = %(edition)s
            """,
            params,
        )
        vote_bench.tallies_rebuild(cursor)
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM voting_vote")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM bench_voter")
        accounts = cursor.fetchone()[0]
    say(f"seeded {total:,} votes of {accounts:,} accounts in {time.monotonic() - started:.0f} s")
    return edition, secretariat


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_page(client, url: str, loads: int) -> list[float]:
    times = []
    for _ in range(loads):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return times


def slowest_queries(client, url: str) -> list[tuple[float, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    timed = sorted(
        ((float(query["time"]), query["sql"]) for query in captured.captured_queries),
        reverse=True,
    )
    return timed[:3]


def decide(client, url: str, edition, action: str) -> tuple[float, float, int]:
    """Post a decision about one ring account; the request's time, the job's, its votes."""
    from config.celery import app as celery_app
    from voting.fraud import stored_open
    from voting.models import DecisionJob
    from voting.services import decision_run

    signal = next(row for row in stored_open(edition=edition) if row.voter_ids)
    account = next(
        pk
        for pk in signal.voter_ids
        if not DecisionJob.objects.filter(edition=edition, subject=f"account:{pk}").exists()
    )
    prefix = f"{signal.key}-account-{account}"
    started = time.perf_counter()
    response = client.post(
        url,
        {
            "flag": signal.key,
            "account": account,
            "action": f"account-{action}",
            f"{prefix}-reason": "Benchmark: an account of a ring.",
        },
    )
    request = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    job = DecisionJob.objects.filter(edition=edition).latest("queued_at", "pk")
    celery_app.control.purge()  # the job is run here, as a worker would run it
    started = time.perf_counter()
    decision_run(job_id=job.pk)
    ran = time.perf_counter() - started
    job.refresh_from_db()
    return request, ran, job.votes_invalidated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--votes", type=int, default=2_000_000)
    parser.add_argument("--loads", type=int, default=20)
    args = parser.parse_args()

    say(f"database {DATABASE}: dropping, creating, migrating")
    database_prepare(DATABASE, ENV, static=True)
    django_setup(ENV)
    from django.test import Client
    from django.urls import reverse

    from voting.fraud import signals_compute, stored_open

    edition, secretariat = seed(args.votes)

    started = time.monotonic()
    computation = signals_compute(edition=edition)
    say(
        f"signals computed in {time.monotonic() - started:.1f} s "
        f"({stored_open(edition=edition).count():,} signals): what each load of the page "
        "did before, now done by the beat task"
    )

    client = Client()
    client.force_login(secretariat)
    url = reverse("frontend:fraud", args=[edition.year])
    client.get(url)  # warm: templates, connections
    for label, page_url in (("page 1", url), ("page 5", f"{url}?page=5")):
        times = time_page(client, page_url, args.loads)
        say(
            f"fraud page, {label}, {args.loads} loads: "
            f"p50 {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {percentile(times, 0.95) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
        )
    say("slowest queries of one load:")
    for seconds, sql in slowest_queries(client, url):
        say(f"  {seconds * 1000:6.1f} ms  {sql[:150]}")

    for action in ("invalidate", "exclude"):
        request, ran, count = decide(client, url, edition, action)
        say(
            f"{action} one account: request {request * 1000:.0f} ms (queues the job), "
            f"job {ran * 1000:.0f} ms ({count} votes invalidated)"
        )
    started = time.monotonic()
    signals_compute(edition=edition)
    say(f"signals computed again after the decisions in {time.monotonic() - started:.1f} s")
    say(f"(last computation stored at {computation.computed_at:%H:%M:%S} UTC)")


if __name__ == "__main__":
    main()
