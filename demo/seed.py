"""Demo data: the "WSIS Prizes 2020" edition with accounts and projects, for a phase.

``demo_seed`` builds (or brings up to date) a demo edition whose timeline puts a chosen
phase halfway now, with projects in the states that phase implies. The demo edition
belongs to this module: running it again resets the demo projects to the chosen phase
instead of adding to them.

The project texts come from a fixed catalogue generated with ``random.Random(2020)``,
always at the largest size, so that a project keeps its organisation, title and texts
whatever ``nominees_per_category`` is and however often the command runs.

The statuses are replayed stage by stage (submission, nomination, champions, winners),
one function each, so that the real voting, jury and results services can replace a
stage without touching the rest.
"""

import io
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries
from PIL import Image, ImageDraw, ImageFont

from accounts.mfa import recovery_codes_ensure, totp_activate
from accounts.models import StakeholderType, User
from accounts.permissions import JURY_GROUP, SECRETARIAT_GROUP
from accounts.services import emails_held
from awards.models import (
    PUBLIC_STATUSES,
    Category,
    ConflictOfInterest,
    Edition,
    Exclusion,
    JuryAssignment,
    Project,
    ProjectStage,
    ProjectStatus,
    Region,
    Score,
    Standing,
    SustainableDevelopmentGoal,
)
from awards.phases import PHASE_ORDER, Phase, timeline_around
from awards.ranking import category_ranking, top_is_tied
from awards.rules import SHORT_DESCRIPTION_MAX_WORDS, SHORT_DESCRIPTION_MIN_WORDS, word_count
from awards.services import (
    edition_categories_create_standard,
    edition_timeline_set,
    nomination_accept,
    nomination_reject,
    project_create,
    project_logo_set,
    project_submit,
)
from awards.services.jury import jury_assign, score_save, winner_confirm
from awards.services.publication import ceremony_reveal_next, results_publish
from awards.tasks import certificates_for_edition
from config.celery import task_queue_after_commit
from voting.catalogue import voting_catalogue_clear
from voting.models import Vote, VoteEvent, VoterExclusion
from voting.services import ballot_cast, champions_compute

DEMO_YEAR = 2020
DEMO_TITLE = "WSIS Prizes 2020"
DEMO_PASSWORD = "wsis-demo-2020"
# The role accounts' authenticator secret (base32), public like the password: add it to
# any authenticator app to log in as the demo secretariat or jury member.
DEMO_TOTP_SECRET = "O5ZWS4ZNMRSW23ZNGIYDEMBNORXXI4BB"
SECRETARIAT_EMAIL = "secretariat@wsis.example"
JURY_EMAIL = "jury@wsis.example"

# "published" is not a phase of the timeline: it is the ceremony phase with the
# outcome final, i.e. the winners chosen.
PUBLISHED = "published"
DEMO_PHASES: tuple[str, ...] = (*(phase.value for phase in PHASE_ORDER), PUBLISHED)
DEFAULT_PHASE = Phase.VOTING.value

DEFAULT_NOMINEES_PER_CATEGORY = 8
MIN_NOMINEES_PER_CATEGORY = 1
MAX_NOMINEES_PER_CATEGORY = 40
# Projects per category that never become nominees: they are rejected at nomination
# (one of them is still a draft while submission is open).
EXTRA_PROJECTS_PER_CATEGORY = 2


# --- Text pools --------------------------------------------------------------------

# ITU regions and a few countries of each; ITU puts North Africa in the Arab States.
COUNTRIES_BY_REGION: dict[Region, tuple[str, ...]] = {
    Region.AFRICA: ("KE", "NG", "GH", "SN", "RW", "ZA", "UG", "TZ", "ET", "CM", "CI"),
    Region.AMERICAS: ("BR", "MX", "CO", "CA", "AR", "CL", "JM", "PE", "CR", "UY"),
    Region.ARAB_STATES: ("EG", "MA", "TN", "AE", "JO", "SA", "OM", "LB", "QA", "DZ"),
    Region.ASIA_PACIFIC: ("IN", "ID", "PH", "BD", "JP", "KR", "AU", "FJ", "VN", "LK", "NZ"),
    Region.CIS: ("RU", "KZ", "UZ", "AM", "AZ", "BY", "KG", "TJ"),
    Region.EUROPE: ("DE", "FR", "ES", "IT", "PT", "PL", "EE", "FI", "NL", "CH", "IE", "SE"),
}

_BRAND_STARTS = (
    *("Akili", "Amani", "Andes", "Atlas", "Baobab", "Bright", "Civic", "Delta"),
    *("Harbor", "Kijiji", "Kora", "Lumen", "Meridian", "Nova", "Open", "Orbit"),
    *("Pixel", "Rural", "Sahel", "Steppe", "Tandem", "Tide", "Umoja", "Vista"),
)
_BRAND_ENDS = ("Link", "Net", "Labs", "Bridge", "Works", "Hub", "Path", "Wave", "Grid", "Loop")

_ORGANISATION_FORMS: dict[StakeholderType, tuple[str, ...]] = {
    StakeholderType.GOVERNMENT: (
        "{country} Digital Transformation Agency",
        "{country} Ministry of ICT and Innovation",
        "{country} National Communications Authority",
        "{country} e-Government Office",
    ),
    StakeholderType.BUSINESS: ("{brand} Technologies", "{brand} Networks", "{brand} Solutions"),
    StakeholderType.CIVIL_SOCIETY: (
        "{start} Foundation",
        "{start} Community Trust",
        "{brand} Initiative",
    ),
    StakeholderType.INTERNATIONAL_ORGANISATION: (
        "{brand} International",
        "{start} Global Alliance",
    ),
    StakeholderType.ACADEMIA: (
        "{country} Institute of Technology",
        "{brand} Lab, National University of {country}",
        "{country} Open University",
    ),
    StakeholderType.OTHER: ("{start} Cooperative", "{brand} Social Enterprise"),
}
# Roughly the mix of real submissions: few international organisations, fewer "other".
_STAKEHOLDER_WEIGHTS: dict[StakeholderType, int] = {
    StakeholderType.GOVERNMENT: 5,
    StakeholderType.BUSINESS: 5,
    StakeholderType.CIVIL_SOCIETY: 6,
    StakeholderType.INTERNATIONAL_ORGANISATION: 2,
    StakeholderType.ACADEMIA: 3,
    StakeholderType.OTHER: 1,
}
ORGANISATION_POOL_SIZE = 150


@dataclass(frozen=True)
class CategoryTexts:
    """What a category's projects are about: the sentences only its projects use."""

    focus: str
    beneficiaries: str
    sdgs: tuple[int, ...]
    title_tails: tuple[str, ...]
    problem: str
    approach: str


# By category number (1-18, the standard categories in Action Line order).
CATEGORY_TEXTS: dict[int, CategoryTexts] = {
    1: CategoryTexts(
        focus="inclusive digital policy-making",
        beneficiaries="citizens and organisations",
        sdgs=(16, 17, 10),
        title_tails=(
            "Open Consultation Platform",
            "Digital Policy Observatory",
            "Multi-stakeholder Digital Forum",
        ),
        problem=(
            "Digital policy in {country} was long drafted behind closed doors, with little room "
            "for the people it affects."
        ),
        approach=(
            "{title} gives every stakeholder group a seat at the table through open online "
            "consultations and regular public hearings."
        ),
    ),
    2: CategoryTexts(
        focus="affordable connectivity",
        beneficiaries="people in rural areas",
        sdgs=(9, 1, 11),
        title_tails=(
            "Community Broadband Network",
            "Rural Connectivity Programme",
            "Solar Wi-Fi Hotspots",
        ),
        problem=(
            "Large parts of rural {country} still had no affordable internet access, and "
            "commercial operators saw too little return to build there."
        ),
        approach=(
            "The project builds community-owned wireless networks, linking villages to the "
            "nearest fibre point with low-cost radio links and solar power."
        ),
    ),
    3: CategoryTexts(
        focus="open access to information and knowledge",
        beneficiaries="readers and learners",
        sdgs=(4, 16, 10),
        title_tails=("Open Knowledge Library", "Public Data Portal", "Offline Digital Library"),
        problem=(
            "Public information and learning material in {country} was scattered, expensive or "
            "available only in the capital."
        ),
        approach=(
            "{title} brings together books, public records and educational content in one free "
            "portal that also works offline."
        ),
    ),
    4: CategoryTexts(
        focus="digital skills training",
        beneficiaries="trainees",
        sdgs=(4, 8, 5),
        title_tails=(
            "Digital Skills Academy",
            "Coding Bootcamp for Young Women",
            "Community ICT Trainers Network",
        ),
        problem=(
            "Many young people and workers in {country} lacked the basic digital skills that most"
            " jobs now require."
        ),
        approach=(
            "The programme trains local instructors who then run short, practical courses in "
            "schools, libraries and community centres."
        ),
    ),
    5: CategoryTexts(
        focus="online safety and cybersecurity",
        beneficiaries="internet users",
        sdgs=(16, 9, 4),
        title_tails=(
            "Cyber Safety Awareness Campaign",
            "Incident Response Outreach",
            "Child Online Protection Helpline",
        ),
        problem=(
            "As more people in {country} came online, phishing, fraud and online harassment grew "
            "faster than public awareness of the risks."
        ),
        approach=(
            "{title} runs awareness campaigns in schools and on community radio, and offers a "
            "free helpline for victims of online abuse."
        ),
    ),
    6: CategoryTexts(
        focus="an enabling environment for the digital economy",
        beneficiaries="entrepreneurs and consumers",
        sdgs=(8, 9, 17),
        title_tails=(
            "Digital Regulation Sandbox",
            "Spectrum Sharing Initiative",
            "Online Licensing Service",
        ),
        problem=(
            "Outdated rules and slow licensing procedures discouraged investment in digital "
            "services in {country}."
        ),
        approach=(
            "The initiative introduced a regulatory sandbox where new services can be tested "
            "under light, time-limited rules with close supervision."
        ),
    ),
    7: CategoryTexts(
        focus="digital public services",
        beneficiaries="citizens",
        sdgs=(16, 10, 11),
        title_tails=(
            "One-Stop e-Services Portal",
            "Mobile Civil Registration",
            "Digital Identity for All",
        ),
        problem=(
            "Obtaining a birth certificate or a business licence in {country} used to take "
            "several visits to different offices and weeks of waiting."
        ),
        approach=(
            "{title} brings more than a hundred public services together on one portal and a "
            "mobile app, with the same account for every procedure."
        ),
    ),
    8: CategoryTexts(
        focus="digital commerce for small businesses",
        beneficiaries="small businesses",
        sdgs=(8, 1, 5),
        title_tails=(
            "Online Marketplace for Artisans",
            "Mobile Payments for Small Traders",
            "SME Digitalisation Programme",
        ),
        problem=(
            "Small traders and artisans in {country} depended on intermediaries and local "
            "markets, earning little for their work."
        ),
        approach=(
            "The platform lets small producers open an online shop in minutes, accept mobile "
            "payments and arrange delivery through partner couriers."
        ),
    ),
    9: CategoryTexts(
        focus="digital learning",
        beneficiaries="students",
        sdgs=(4, 10, 5),
        title_tails=(
            "Open Digital Classroom",
            "Radio and SMS Learning Service",
            "Virtual School for Remote Areas",
        ),
        problem=(
            "Schools in remote parts of {country} faced a shortage of qualified teachers and up-"
            "to-date learning material."
        ),
        approach=(
            "{title} offers lessons aligned with the national curriculum through a web platform, "
            "a mobile app and offline tablets."
        ),
    ),
    10: CategoryTexts(
        focus="digital health services",
        beneficiaries="patients",
        sdgs=(3, 5, 10),
        title_tails=(
            "Telemedicine Network",
            "Mobile Maternal Health Service",
            "Digital Health Records Platform",
        ),
        problem=(
            "Patients in rural {country} often travelled for hours to see a doctor, and many "
            "women gave birth without any antenatal care."
        ),
        approach=(
            "The service connects community health workers to doctors through video and "
            "messaging, so most cases are handled close to home."
        ),
    ),
    11: CategoryTexts(
        focus="digital job matching and remote work",
        beneficiaries="job seekers",
        sdgs=(8, 5, 10),
        title_tails=(
            "Digital Jobs Platform",
            "Remote Work Skills Programme",
            "Youth Employment Portal",
        ),
        problem=(
            "Young graduates in {country} struggled to find work, while employers could not find "
            "people with the skills they needed."
        ),
        approach=(
            "{title} matches job seekers with vacancies and online work using their skills "
            "profile, and recommends short courses to close gaps."
        ),
    ),
    12: CategoryTexts(
        focus="environmental monitoring and climate resilience",
        beneficiaries="people in vulnerable areas",
        sdgs=(13, 15, 11),
        title_tails=(
            "Flood Early Warning System",
            "Air Quality Sensor Network",
            "Digital Waste Tracking Service",
        ),
        problem=(
            "Floods, droughts and air pollution were hitting communities in {country} harder "
            "every year, often with little warning."
        ),
        approach=(
            "A network of low-cost sensors feeds an open data platform that issues alerts by SMS "
            "and community radio before disasters strike."
        ),
    ),
    13: CategoryTexts(
        focus="digital services for farmers",
        beneficiaries="smallholder farmers",
        sdgs=(2, 1, 13),
        title_tails=(
            "Farmers' Market Information Service",
            "Smart Irrigation Advisory",
            "Mobile Extension Service",
        ),
        problem=(
            "Smallholder farmers in {country} lacked timely information on weather, prices and "
            "pests, and lost part of each harvest."
        ),
        approach=(
            "{title} sends farmers weather forecasts, planting advice and market prices by SMS "
            "and voice messages in local languages."
        ),
    ),
    14: CategoryTexts(
        focus="open science and research infrastructure",
        beneficiaries="researchers",
        sdgs=(9, 4, 17),
        title_tails=(
            "Open Research Data Repository",
            "Shared Computing Platform",
            "Citizen Science Network",
        ),
        problem=(
            "Researchers in {country} had limited access to computing power, journals and data, "
            "which held back local science."
        ),
        approach=(
            "The project provides a shared research cloud and an open repository where "
            "universities publish and reuse data sets."
        ),
    ),
    15: CategoryTexts(
        focus="local content and linguistic diversity",
        beneficiaries="speakers of local languages",
        sdgs=(4, 10, 11),
        title_tails=(
            "Indigenous Languages Digital Archive",
            "Local Content Creators Network",
            "Digital Heritage Museum",
        ),
        problem=(
            "Many languages spoken in {country} had almost no presence online, and elders'"
            " knowledge was at risk of being lost."
        ),
        approach=(
            "{title} records, transcribes and publishes stories, songs and dictionaries in local "
            "languages, created by the communities themselves."
        ),
    ),
    16: CategoryTexts(
        focus="independent and community media",
        beneficiaries="listeners and readers",
        sdgs=(16, 5, 4),
        title_tails=("Community Radio Network", "Fact-Checking Newsroom", "Local News Platform"),
        problem=(
            "Rural communities in {country} had few sources of reliable local news, and "
            "misinformation spread quickly on social networks."
        ),
        approach=(
            "The project equips community radio stations with digital studios and trains local "
            "journalists to report and verify news."
        ),
    ),
    17: CategoryTexts(
        focus="ethical and rights-based use of technology",
        beneficiaries="people",
        sdgs=(16, 10, 5),
        title_tails=(
            "Digital Rights Education Programme",
            "Responsible AI Guidelines",
            "Privacy Helpdesk for Citizens",
        ),
        problem=(
            "As digital services spread in {country}, few people knew their rights regarding "
            "personal data and automated decisions."
        ),
        approach=(
            "{title} brings together experts, officials and citizens to write practical ethical "
            "guidelines and test them in real projects."
        ),
    ),
    18: CategoryTexts(
        focus="international and regional cooperation on ICTs",
        beneficiaries="partner institutions",
        sdgs=(17, 9, 4),
        title_tails=(
            "Regional Digital Cooperation Network",
            "Cross-Border Data Exchange",
            "South-South Knowledge Sharing Programme",
        ),
        problem=(
            "Countries around {country} faced similar digital challenges but rarely shared "
            "solutions, so each started from scratch."
        ),
        approach=(
            "The network connects experts from several countries who share tools, training and "
            "lessons learned through regular exchanges."
        ),
    ),
}

_OPENINGS = (
    "{title} is an initiative of {organisation}{in_country} that works on {focus}.",
    "Run by {organisation}{in_country}, {title} is devoted to {focus}.",
)
# Shared by all categories; the description takes as many as it needs to reach 150 words.
_MIDDLES = (
    "The team designed every feature together with the people who use it, testing early "
    "versions in the field and changing them after each round of feedback.",
    "Its software is released under an open licence, so other institutions can adapt it "
    "without paying fees.",
    "Special attention goes to women, young people and persons with disabilities, who are "
    "often left out of digital programmes.",
    "Services also work on basic mobile phones and through SMS, because smartphone "
    "ownership and data costs remain barriers in many areas.",
    "Local partners run training sessions so that users gain the confidence to rely on the "
    "service day to day.",
    "Data is stored securely and handled under a privacy policy that users can read in "
    "plain language.",
    "An independent evaluation in {evaluation_year} confirmed measurable improvements and "
    "recommended scaling the approach.",
    "The project is financed through a mix of public funding, private partners and modest "
    "fees, which keeps it running beyond its pilot phase.",
    "Content is available in several local languages, and the interface was tested with "
    "users who have limited literacy.",
    "Volunteers help new users get started and report problems back to the team.",
)
_RESULTS = (
    "Since its launch in {launch_year}, it has reached more than {reach:,} {beneficiaries} "
    "in {places} {place_kind}.",
    "By the end of 2019 it served over {reach:,} {beneficiaries} across {places} "
    "{place_kind}, most of them first-time users of a digital service.",
)
_CLOSINGS = (
    "The next phase will extend {title} to new regions and publish its methods as an open "
    "toolkit for others.",
    "{organisation} now plans to scale the project nationally and share its experience with "
    "neighbouring countries.",
    "The team hopes the WSIS Prizes will bring partners who can help the project reach its "
    "next milestone.",
)
_PLACE_KINDS = ("districts", "provinces", "municipalities", "communities")
_IMPACT_DETAILS = (
    "Surveys show that {percent}% of users now rely on it at least once a month.",
    "Partners report that waiting times fell by {percent}% compared with the paper-based "
    "process it replaced.",
    "Women make up {percent}% of its active users, well above the national average for "
    "digital services.",
)
_PARTNERS = (
    "the national telecommunications regulator",
    "local universities",
    "mobile network operators",
    "community radio stations",
    "women's associations",
    "a regional development bank",
    "municipal governments",
    "UN agencies in the country",
)
_CHALLENGES = (
    "Unreliable electricity and connectivity in rural areas forced the team to build an "
    "offline mode that synchronises when a signal is available.",
    "Winning the trust of users who had never used a digital service took time and many "
    "face-to-face meetings.",
    "Keeping stable funding after the pilot phase required new partnerships and a leaner "
    "operating model.",
    "Adapting the service to several local languages took longer than planned.",
)
_OUTLOOKS = (
    "By {target_year}, {organisation} aims to reach {target_reach:,} {beneficiaries} and "
    "to hand day-to-day operation over to local partners.",
    "The next phase will add new languages, open anonymised data to researchers and "
    "replicate the model in two neighbouring countries.",
)


# --- The catalogue -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    stakeholder_type: StakeholderType
    country: str
    region: Region


@dataclass(frozen=True)
class DemoProject:
    """One demo project as the catalogue describes it, before it is in the database.

    ``slot`` orders the projects of a category: the first ``nominees_per_category``
    slots are on the nominee track, the next ones are rejected. ``popularity`` ranks
    them in the public vote and ``merit`` in the jury's eyes.
    """

    category_number: int
    slot: int
    organisation: DemoOrganisation
    title: str
    website: str
    short_description: str
    sdg_numbers: tuple[int, ...]
    impact: str
    partnerships: str
    challenges: str
    outlook: str
    submitted_after: float  # share of the submission window elapsed when it was submitted
    popularity: int
    merit: int


def _country_name(code: str) -> str:
    return str(countries.name(code))


def _brand(rng: random.Random) -> tuple[str, str]:
    start = rng.choice(_BRAND_STARTS)
    return start, start + rng.choice(_BRAND_ENDS)


def _organisation_pool(rng: random.Random) -> list[DemoOrganisation]:
    types = list(_STAKEHOLDER_WEIGHTS)
    weights = list(_STAKEHOLDER_WEIGHTS.values())
    regions = list(COUNTRIES_BY_REGION)
    pool: dict[str, DemoOrganisation] = {}
    while len(pool) < ORGANISATION_POOL_SIZE:
        stakeholder_type = rng.choices(types, weights)[0]
        region = rng.choice(regions)
        country = rng.choice(COUNTRIES_BY_REGION[region])
        start, brand = _brand(rng)
        name = rng.choice(_ORGANISATION_FORMS[stakeholder_type]).format(
            country=_country_name(country), start=start, brand=brand
        )
        # The database compares organisations case-insensitively.
        pool.setdefault(
            name.casefold(),
            DemoOrganisation(
                name=name, stakeholder_type=stakeholder_type, country=country, region=region
            ),
        )
    return list(pool.values())


def _short_description(
    rng: random.Random, *, texts: CategoryTexts, values: dict[str, object]
) -> str:
    """150-200 words: opening, problem and approach of the category, shared sentences
    until the length is right, then results and a closing line."""
    head = [
        rng.choice(_OPENINGS),
        texts.problem,
        texts.approach,
    ]
    tail = [rng.choice(_RESULTS), rng.choice(_CLOSINGS)]
    head = [sentence.format(**values) for sentence in head]
    tail = [sentence.format(**values) for sentence in tail]
    words = sum(word_count(sentence) for sentence in head + tail)
    for sentence in rng.sample(_MIDDLES, len(_MIDDLES)):
        if words >= SHORT_DESCRIPTION_MIN_WORDS:
            break
        sentence = sentence.format(**values)
        if words + word_count(sentence) <= SHORT_DESCRIPTION_MAX_WORDS:
            head.append(sentence)
            words += word_count(sentence)
    description = " ".join(head + tail)
    if not SHORT_DESCRIPTION_MIN_WORDS <= word_count(description) <= SHORT_DESCRIPTION_MAX_WORDS:
        raise AssertionError(f"Demo description of {word_count(description)} words")
    return description


def _catalogue_project(
    rng: random.Random,
    *,
    category_number: int,
    slot: int,
    organisation: DemoOrganisation,
    titles_taken: set[str],
) -> DemoProject:
    texts = CATEGORY_TEXTS[category_number]
    tail = rng.choice(texts.title_tails)
    title = f"{_brand(rng)[1]} {tail}"
    while title in titles_taken:
        title = f"{_brand(rng)[1]} {tail}"
    titles_taken.add(title)
    launch_year = rng.randint(2012, 2018)
    reach = rng.randrange(2_000, 400_000, 500)
    country = _country_name(organisation.country)
    values: dict[str, object] = {
        "title": title,
        "organisation": organisation.name,
        "country": country,
        # "Kenya e-Government Office in Kenya" would say it twice.
        "in_country": "" if country in organisation.name else f" in {country}",
        "focus": texts.focus,
        "beneficiaries": texts.beneficiaries,
        "launch_year": launch_year,
        "evaluation_year": rng.randint(launch_year + 1, 2019),
        "reach": reach,
        "places": rng.randint(3, 60),
        "place_kind": rng.choice(_PLACE_KINDS),
        "percent": rng.randint(25, 70),
        "target_year": 2022 + rng.randint(0, 3),
        "target_reach": reach * rng.randint(2, 5),
    }
    sdg_numbers = tuple(sorted(rng.sample(texts.sdgs, rng.randint(1, 3))))
    partner_one, partner_two = rng.sample(_PARTNERS, 2)
    return DemoProject(
        category_number=category_number,
        slot=slot,
        organisation=organisation,
        title=title,
        website=(f"https://{slugify(organisation.name)[:40].strip('-')}.example/{slugify(tail)}/"),
        short_description=_short_description(rng, texts=texts, values=values),
        sdg_numbers=sdg_numbers,
        impact=" ".join(
            [
                "Since {launch_year} the project has reached more than {reach:,} "
                "{beneficiaries}.".format(**values),
                rng.choice(_IMPACT_DETAILS).format(**values),
            ]
        ),
        partnerships=(
            f"{organisation.name} runs {title} with {partner_one} and {partner_two}, who "
            "contribute expertise, outreach and part of the funding."
        ),
        challenges=" ".join(rng.sample(_CHALLENGES, 2)),
        outlook=rng.choice(_OUTLOOKS).format(**values),
        submitted_after=rng.uniform(0.05, 0.95),
        popularity=rng.randint(500, 250_000),
        merit=rng.randint(50, 100),
    )


@cache
def demo_catalogue() -> dict[int, tuple[DemoProject, ...]]:
    """Every demo project the seed can use, by category number, in slot order.

    Always built at the largest size from ``random.Random(2020)``: the first projects of
    a category are the same whatever size the seed uses.
    """
    rng = random.Random(DEMO_YEAR)
    pool = _organisation_pool(rng)
    size = MAX_NOMINEES_PER_CATEGORY + EXTRA_PROJECTS_PER_CATEGORY
    titles_taken: set[str] = set()
    catalogue: dict[int, tuple[DemoProject, ...]] = {}
    for number in sorted(CATEGORY_TEXTS):
        catalogue[number] = tuple(
            _catalogue_project(
                rng,
                category_number=number,
                slot=slot,
                organisation=organisation,
                titles_taken=titles_taken,
            )
            for slot, organisation in enumerate(rng.sample(pool, size))
        )
    return catalogue


# --- Accounts ----------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    name: str
    recovery_codes: tuple[str, ...] = ()


SUBMITTERS: dict[Region, tuple[str, str, str]] = {
    Region.AFRICA: ("amina.diallo@submitters.wsis.example", "Amina Diallo", "SN"),
    Region.AMERICAS: ("carlos.mendes@submitters.wsis.example", "Carlos Mendes", "BR"),
    Region.ARAB_STATES: ("layla.haddad@submitters.wsis.example", "Layla Haddad", "JO"),
    Region.ASIA_PACIFIC: ("priya.raman@submitters.wsis.example", "Priya Raman", "IN"),
    Region.CIS: ("aigerim.sadykova@submitters.wsis.example", "Aigerim Sadykova", "KZ"),
    Region.EUROPE: ("sofia.lindqvist@submitters.wsis.example", "Sofia Lindqvist", "SE"),
}


def _account_ensure(
    *, email: str, password_hash: str, groups: Iterable[Group] = (), **fields: object
) -> User:
    fields = {"is_active": True, "is_staff": False, "is_superuser": False, **fields}
    # Matched ignoring case, as the database's uniqueness is; an existing account gets
    # the demo password back so that the printed credentials always work.
    user, _ = User.objects.update_or_create(
        email__iexact=email,
        defaults={**fields, "password": password_hash},
        create_defaults={**fields, "password": password_hash, "email": email},
    )
    user.groups.add(*groups)
    # Demo voters and submitters need a confirmed address, as real ones do.
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _mfa_ensure(user: User) -> list[str]:
    """Give a role account two-factor authentication with the printed demo secret;
    returns recovery codes it can still use at the prompt."""
    totp_activate(user=user, secret=DEMO_TOTP_SECRET)
    return recovery_codes_ensure(user=user)[:2]


def _accounts_ensure() -> tuple[list[DemoAccount], dict[Region, User], User]:
    # One hash for every demo account: hashing is deliberately slow, the password is
    # public anyway.
    password_hash = make_password(DEMO_PASSWORD)
    secretariat_group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    jury_group, _ = Group.objects.get_or_create(name=JURY_GROUP)
    secretariat = _account_ensure(
        email=SECRETARIAT_EMAIL,
        password_hash=password_hash,
        groups=[secretariat_group],
        name="WSIS Prizes Secretariat",
        is_staff=True,
        is_superuser=True,
    )
    jury = _account_ensure(
        email=JURY_EMAIL,
        password_hash=password_hash,
        groups=[jury_group],
        name="Demo Jury Member",
        stakeholder_type=StakeholderType.ACADEMIA,
    )
    accounts = [
        DemoAccount(
            role="secretariat",
            email=SECRETARIAT_EMAIL,
            name="WSIS Prizes Secretariat",
            recovery_codes=tuple(_mfa_ensure(secretariat)),
        ),
        DemoAccount(
            role="jury",
            email=JURY_EMAIL,
            name="Demo Jury Member",
            recovery_codes=tuple(_mfa_ensure(jury)),
        ),
    ]
    submitters: dict[Region, User] = {}
    for region, (email, name, country) in SUBMITTERS.items():
        submitters[region] = _account_ensure(
            email=email, password_hash=password_hash, name=name, country=country
        )
        accounts.append(DemoAccount(role="submitter", email=email, name=name))
    return accounts, submitters, secretariat


# --- Edition and projects ----------------------------------------------------------


def _whole_hour(moment: datetime) -> datetime:
    """The start of the UTC hour of ``moment``."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _edition_ensure(*, current: Phase, now: datetime) -> Edition:
    # Halfway at the start of the hour rather than now: every phase then opens and
    # closes on a whole hour (UTC), as a real timeline does, not at odd minutes.
    times = timeline_around(current=current, at=_whole_hour(now))
    edition, _ = Edition.objects.get_or_create(
        year=DEMO_YEAR, defaults={"title": DEMO_TITLE, **times}
    )
    if edition.title != DEMO_TITLE:
        edition.title = DEMO_TITLE
        edition.save(update_fields=["title"])
    moved = times["voting_opens_at"] - edition.voting_opens_at
    edition = edition_timeline_set(edition=edition, times=times)
    if moved:
        # The demo's votes move with its timeline: the count takes only the votes cast
        # inside the voting window.
        for model in (Vote, VoteEvent):
            model.objects.filter(edition=edition).update(
                **{field: F(field) + moved for field in _VOTE_TIMES[model]}
            )
    return edition


_VOTE_TIMES = {Vote: ("cast_at", "changed_at"), VoteEvent: ("at",)}


# --- Projects: a plan per catalogue entry, carried out through the real services -----

# The path of every project through the contest; a rejected one leaves it at "rejected".
PATH = (
    ProjectStatus.DRAFT,
    ProjectStatus.SUBMITTED,
    ProjectStatus.NOMINEE,
    ProjectStatus.CHAMPION,
    ProjectStatus.WINNER,
)
REJECTED_PATH = (ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.REJECTED)


@dataclass(frozen=True)
class PlannedProject:
    seed: DemoProject
    category: Category
    submitter: User
    target: str  # the status the phase calls for

    @property
    def path(self) -> tuple[str, ...]:
        return REJECTED_PATH if self.target == ProjectStatus.REJECTED else PATH


@dataclass(frozen=True)
class _ProjectChanges:
    created: int
    updated: int
    removed: int


def _targets(
    seeds: Sequence[DemoProject], *, phase: str, nominees_per_category: int
) -> dict[int, str]:
    """The status each project of one category has reached in ``phase``, by slot, up to
    nominee: the Champions come from counting the votes, the Winner from the jury."""
    current = Phase.CEREMONY if phase == PUBLISHED else Phase(phase)
    targets: dict[int, str] = {}
    for seed in seeds:
        eligible = seed.slot < nominees_per_category
        if current == Phase.SUBMISSION:
            # While submission is open, every third project is still a draft.
            targets[seed.slot] = (
                ProjectStatus.DRAFT if seed.slot % 3 == 2 else ProjectStatus.SUBMITTED
            )
        elif current == Phase.NOMINATION and seed.slot % 2 == 1:
            targets[seed.slot] = ProjectStatus.SUBMITTED  # still awaiting its review
        else:
            targets[seed.slot] = ProjectStatus.NOMINEE if eligible else ProjectStatus.REJECTED
    return targets


def _linkage(
    seed: DemoProject, category: Category, sdgs: Sequence[SustainableDevelopmentGoal]
) -> str:
    texts = CATEGORY_TEXTS[seed.category_number]
    goals = [f"SDG {goal.number} ({goal.title})" for goal in sdgs]
    goals_text = " and ".join([", ".join(goals[:-1]), goals[-1]] if len(goals) > 1 else goals)
    line = category.action_line
    serves = f"Action Line {line.code}, {line.title}" if line else category.title
    return (
        f"{seed.title} serves {serves}, through its work on {texts.focus} for "
        f"{texts.beneficiaries}. It contributes to {goals_text}."
    )


def _logo(seed: DemoProject) -> SimpleUploadedFile:
    """A plain square logo with the organisation's initials."""
    rng = random.Random(seed.organisation.name)
    colour = tuple(rng.randrange(40, 160) for _ in range(3))
    image = Image.new("RGB", (240, 240), colour)
    initials = "".join(word[0] for word in seed.organisation.name.split()[:3]).upper()
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=96)
    draw.text((120, 120), initials, fill=(255, 255, 255), font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue())


class _Clock:
    """Moments inside each phase's window, for the services that check them."""

    def __init__(self, edition: Edition, now: datetime) -> None:
        self.edition = edition
        self.now = now

    def _within(self, opens: datetime, closes: datetime, share: float) -> datetime:
        end = min(closes, self.now)
        return opens + (end - opens) * share

    def drafted(self, seed: DemoProject) -> datetime:
        e = self.edition
        return self._within(e.submission_opens_at, e.submission_closes_at, seed.submitted_after / 2)

    def submitted(self, seed: DemoProject) -> datetime:
        e = self.edition
        return self._within(e.submission_opens_at, e.submission_closes_at, seed.submitted_after)

    def decided(self, seed: DemoProject) -> datetime:
        e = self.edition
        return self._within(e.nomination_opens_at, e.nomination_closes_at, 0.1 + seed.slot / 100)

    def shortlisted(self) -> datetime:
        return self.edition.champions_opens_at + timedelta(hours=1)

    def scored(self) -> datetime:
        return self.edition.jury_opens_at + timedelta(hours=2)

    def crowned(self) -> datetime:
        return self.edition.jury_closes_at - timedelta(hours=1)


def _create(plan: PlannedProject, clock: _Clock, goals: dict[int, SustainableDevelopmentGoal]):
    seed, organisation = plan.seed, plan.seed.organisation
    sdgs = [goals[number] for number in seed.sdg_numbers]
    at = clock.drafted(seed)
    project = project_create(
        edition=plan.category.edition,
        category=plan.category,
        by=plan.submitter,
        at=at,
        sdgs=seed.sdg_numbers,
        data={
            "title": seed.title,
            "organisation_name": organisation.name,
            "stakeholder_type": organisation.stakeholder_type,
            "country": organisation.country,
            "region": organisation.region,
            "website": seed.website,
            "short_description": seed.short_description,
            "linkage": _linkage(seed, plan.category, sdgs),
            "impact": seed.impact,
            "partnerships": seed.partnerships,
            "challenges": seed.challenges,
            "outlook": seed.outlook,
            "stage": ProjectStage.OPERATIONAL,
        },
    )
    return project_logo_set(project=project, by=plan.submitter, upload=_logo(seed), at=at)


def _advance(project: Project, plan: PlannedProject, clock: _Clock, secretariat: User) -> None:
    """Move ``project`` forward along its path to the plan's target, step by step."""
    path = plan.path
    for status in path[path.index(project.status) + 1 : path.index(plan.target) + 1]:
        if status == ProjectStatus.SUBMITTED:
            project_submit(project=project, by=plan.submitter, at=clock.submitted(plan.seed))
        elif status == ProjectStatus.NOMINEE:
            nomination_accept(project=project, by=secretariat, at=clock.decided(plan.seed))
        elif status == ProjectStatus.REJECTED:
            nomination_reject(
                project=project,
                by=secretariat,
                reason=REJECTION_REASON,
                at=clock.decided(plan.seed),
            )
        elif status in (ProjectStatus.CHAMPION, ProjectStatus.WINNER):
            break  # Champions come from the votes, the Winner from the jury: see below


REJECTION_REASON = (
    "The project is not yet operational at the scale the submission describes: it may "
    "apply again next year."
)


def _discard(projects: Iterable[Project]) -> int:
    """Delete demo projects with their files (the demo's own housekeeping)."""
    projects = list(projects)
    # Their votes go first (a vote keeps its nominee); the tallies follow by trigger.
    VoteEvent.objects.filter(nominee__in=projects).delete()
    Vote.objects.filter(nominee__in=projects).delete()
    for project in projects:
        for file in [project.logo, project.document, *(i.image for i in project.images.all())]:
            if file:
                file.storage.delete(file.name)
    _, deleted = Project.objects.filter(pk__in=[p.pk for p in projects]).delete()
    return deleted.get(Project._meta.label, 0)


def _projects_ensure(
    *,
    edition: Edition,
    categories: Sequence[Category],
    submitters: dict[Region, User],
    secretariat: User,
    phase: str,
    nominees_per_category: int,
    now: datetime,
) -> _ProjectChanges:
    """Bring every demo project to the status the phase calls for, through the same
    services as the site: forward only, as the contest moves. A project that would
    have to go back (the demo set to an earlier phase) is made again from its draft.

    Other projects of the demo submitters in the demo edition go: a previous run made
    them with a larger size (or an older catalogue).
    """
    goals = {goal.number: goal for goal in SustainableDevelopmentGoal.objects.all()}
    catalogue = demo_catalogue()
    clock = _Clock(edition, now)
    existing = {
        (p.category_id, p.organisation_name): p
        for p in Project.objects.filter(edition=edition, submitted_by__in=submitters.values())
    }
    kept: set[int] = set()
    created = updated = 0
    for category in categories:
        seeds = catalogue[category.number][: nominees_per_category + EXTRA_PROJECTS_PER_CATEGORY]
        targets = _targets(seeds, phase=phase, nominees_per_category=nominees_per_category)
        for seed in seeds:
            plan = PlannedProject(
                seed=seed,
                category=category,
                submitter=submitters[seed.organisation.region],
                target=targets[seed.slot],
            )
            project = existing.get((category.pk, seed.organisation.name))
            if project is not None and (
                project.title != seed.title
                or project.status not in plan.path
                or (
                    plan.path.index(project.status) > plan.path.index(plan.target)
                    and not _outcome_stands(project.status, phase)
                )
            ):
                _discard([project])
                project = None
            if project is None:
                project = _create(plan, clock, goals)
                created += 1
            else:
                updated += 1
            _advance(project, plan, clock, secretariat)
            kept.add(project.pk)
    removed = _discard(
        Project.objects.filter(edition=edition, submitted_by__in=submitters.values()).exclude(
            pk__in=kept
        )
    )
    return _ProjectChanges(created=created, updated=updated, removed=removed)


# --- Votes: cast through the voting service, falling by popularity rank ------------

DEMO_VOTERS = 300
FRAUD_NETWORK = "198.51.100.0/24"
RHYTHM_NETWORK = "192.0.2.0/24"


def _votes_for_rank(rank: int) -> int:
    # Three votes between neighbours, so that no two of the top twelve tie.
    return 4 + 3 * (11 - rank) if rank < 12 else 1


def _voters_ensure(password_hash: str) -> list[User]:
    emails = [f"voter{n:03}@voters.wsis.example" for n in range(DEMO_VOTERS)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        User(email=email, name=f"Demo voter {email[5:8]}", password=password_hash)
        for email in emails
        if email not in existing
    )
    voters = list(User.objects.filter(email__in=emails).order_by("email"))
    confirmed = set(
        EmailAddress.objects.filter(user__in=voters, verified=True).values_list(
            "user_id", flat=True
        )
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=voter, email=voter.email, verified=True, primary=True)
        for voter in voters
        if voter.pk not in confirmed
    )
    return voters


def _fraud_voter(
    email: str, *, joined: datetime, password_hash: str, network: str = "", browser: str = ""
) -> User:
    user, _ = User.objects.get_or_create(
        email=email,
        defaults={
            "name": "Demo suspicious voter",
            "password": password_hash,
            "date_joined": joined,
            "signup_network": network,
            "signup_browser": browser,
        },
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


class _Ballots:
    """Casts the demo's ballots through the voting service, but for those a previous run
    cast already: a valid vote of an account free to vote that names the same nominee.
    The service would find each such ballot a repeat and change nothing, after reading
    again why it wrote nothing; thousands of those made most of a second run's time."""

    def __init__(self, edition: Edition) -> None:
        excluded = VoterExclusion.objects.filter(edition=edition, lifted_at=None)
        self.standing = set(
            Vote.objects.filter(edition=edition, invalidated_at=None)
            .exclude(voter_id__in=excluded.values("voter_id"))
            .values_list("voter_id", "category_id", "nominee_id")
        )

    def cast(
        self,
        *,
        edition: Edition,
        category: Category,
        voter: User,
        nominee_id: int,
        network: str,
        user_agent: str,
        at: datetime,
    ) -> None:
        if (voter.pk, category.pk, nominee_id) in self.standing:
            return
        ballot_cast(
            edition=edition,
            category=category,
            voter=voter,
            nominee_id=nominee_id,
            network=network,
            user_agent=user_agent,
            at=at,
        )


def _votes_ensure(
    *, edition: Edition, categories: Sequence[Category], clock: "_Clock", password_hash: str
) -> None:
    """A few thousand votes, unevenly spread (more for the popular nominees, voters
    who vote in some categories only), and one example of each fraud signal."""
    voters = _voters_ensure(password_hash)
    voting_catalogue_clear()  # the nominees were made a moment ago, in this process
    ballots = _Ballots(edition)
    popularity = {
        (seed.category_number, seed.organisation.name): (-seed.popularity, seed.slot)
        for seeds in demo_catalogue().values()
        for seed in seeds
    }
    opens = edition.voting_opens_at
    window = min(edition.voting_closes_at, clock.now) - opens
    for category in categories:
        # Only the demo's own nominees get demo votes, most for the most popular.
        nominees = sorted(
            (
                p
                for p in Project.objects.filter(category=category, status__in=PUBLIC_STATUSES)
                if (category.number, p.organisation_name) in popularity
            ),
            key=lambda p: popularity[(category.number, p.organisation_name)],
        )
        order = [n for rank, n in enumerate(nominees) for _ in range(_votes_for_rank(rank))]
        # As people vote: each voter's choice of a category apart from the others', at
        # moments of their own, each voter from a home network of their own.
        chance = random.Random(category.number)
        who = chance.sample(range(DEMO_VOTERS), len(order))
        for k, nominee in enumerate(order):
            ballots.cast(
                edition=edition,
                category=category,
                voter=voters[who[k]],
                nominee_id=nominee.pk,
                network=f"198.18.{who[k] % 250}.0/24",
                user_agent="Demo browser",
                at=opens + window * chance.uniform(0.01, 0.99),
            )
    demo_nominees = {
        category.number: sorted(
            (
                p
                for p in Project.objects.filter(category=category, status__in=PUBLIC_STATUSES)
                if (category.number, p.organisation_name) in popularity
            ),
            key=lambda p, number=category.number: popularity[(number, p.organisation_name)],
        )
        for category in categories
    }
    _fraud_ensure(
        edition=edition,
        nominees=demo_nominees,
        window=window,
        password_hash=password_hash,
        ballots=ballots,
    )


def _fraud_ensure(
    *,
    edition: Edition,
    nominees: dict[int, list[Project]],
    window: timedelta,
    password_hash: str,
    ballots: _Ballots,
) -> None:
    first_number = min(nominees)
    if not nominees[first_number]:
        return
    first = nominees[first_number][0].category
    start = edition.voting_opens_at + window / 2
    target = nominees[first_number][-1]  # the least popular: fraud wants to lift it
    # Six accounts made an hour before, voting from one network within six minutes.
    for n in range(6):
        at = start + timedelta(minutes=n)
        voter = _fraud_voter(
            f"new{n}@cluster.wsis.example",
            joined=at - timedelta(hours=1),
            password_hash=password_hash,
        )
        ballots.cast(
            edition=edition,
            category=first,
            voter=voter,
            nominee_id=target.pk,
            network=FRAUD_NETWORK,
            user_agent="Demo script",
            at=at,
        )
    # Two addresses of one mailbox.
    for email in ("kofi.mensah@voters.wsis.example", "kofi.mensah+prizes@voters.wsis.example"):
        voter = _fraud_voter(email, joined=edition.submission_opens_at, password_hash=password_hash)
        ballots.cast(
            edition=edition,
            category=first,
            voter=voter,
            nominee_id=target.pk,
            network="203.0.113.0/24",
            user_agent="Demo browser",
            at=start,
        )
    # A script's ring: 24 accounts made three minutes apart, each from a network of its
    # own, each casting the same ballot (every category's least popular nominee) as
    # soon as it is made.
    slate = [members[-1] for members in nominees.values() if members]
    for n in range(24):
        made = start + timedelta(hours=2, minutes=3 * n, seconds=(7 * n) % 20)
        voter = _fraud_voter(
            f"ring{n:02}@script.wsis.example",
            joined=made,
            password_hash=password_hash,
            network=f"100.64.{n}.0/24",
            browser="Chrome on Linux",
        )
        for k, nominee in enumerate(slate):
            ballots.cast(
                edition=edition,
                category=nominee.category,
                voter=voter,
                nominee_id=nominee.pk,
                network=f"100.64.{n}.0/24",
                user_agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0",
                at=made + timedelta(seconds=20 + 6 * k),
            )
    # Accounts made from one network two minutes apart, each voting for one nominee
    # straight away.
    second = nominees[sorted(nominees)[1]] if len(nominees) > 1 else nominees[first_number]
    for n in range(20):
        made = start + timedelta(hours=5, minutes=2 * n, seconds=(11 * n) % 15)
        voter = _fraud_voter(
            f"member{n:02}@rhythm.wsis.example",
            joined=made,
            password_hash=password_hash,
            network=RHYTHM_NETWORK,
            browser="Firefox on Windows",
        )
        ballots.cast(
            edition=edition,
            category=second[-1].category,
            voter=voter,
            nominee_id=second[-1].pk,
            network=RHYTHM_NETWORK,
            user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Firefox/128.0",
            at=made + timedelta(seconds=40),
        )
    # A voter faster than anyone clicks: every category within two seconds.
    fast = _fraud_voter(
        "fast.voter@voters.wsis.example",
        joined=edition.submission_opens_at,
        password_hash=password_hash,
    )
    for n, members in enumerate(nominees.values()):
        if members:
            nominee = members[0]
            ballots.cast(
                edition=edition,
                category=nominee.category,
                voter=fast,
                nominee_id=nominee.pk,
                network="203.0.113.0/24",
                user_agent="Demo bot",
                at=start + timedelta(milliseconds=100 * n),
            )


JURORS = ("juror2@jury.wsis.example", "juror3@jury.wsis.example")


def _jurors_ensure(*, password_hash: str, jury: User) -> list[User]:
    """The Expert Group: the printed jury account and two more, all with the demo's
    authenticator."""
    group = Group.objects.get(name=JURY_GROUP)
    members = [jury]
    for email in JURORS:
        member = _account_ensure(
            email=email, password_hash=password_hash, groups=[group], name="Demo juror"
        )
        if not Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists():
            totp_activate(user=member, secret=DEMO_TOTP_SECRET)
        members.append(member)
    return members


def _results_ensure(
    *, edition: Edition, phase: str, secretariat: User, jurors: list[User], clock: "_Clock"
) -> None:
    """Once voting has closed, the Champions counted from the votes; in winner selection
    the jury assigned and scoring (marks following the catalogue's merit, each juror a
    little harsher or kinder); from the ceremony on the Winners confirmed from the
    jury's ranking; once published, every category revealed and the results out."""
    current = Phase.CEREMONY if phase == PUBLISHED else Phase(phase)
    if not Project.objects.filter(edition=edition, status=ProjectStatus.WINNER).exists():
        champions_compute(edition=edition, by=secretariat, at=clock.shortlisted())
    if not _phase_reached(current, Phase.JURY):
        return
    merit = {
        (seed.category_number, seed.organisation.name): seed.merit
        for seeds in demo_catalogue().values()
        for seed in seeds
    }
    categories = list(Category.objects.filter(edition=edition).order_by("number"))
    scored = set(
        Score.objects.filter(project__edition=edition).values_list("juror_id", "project_id")
    )
    for category in categories:
        for leniency, juror in zip((-1, 0, 1), jurors, strict=True):
            jury_assign(category=category, juror=juror, by=secretariat)
            for champion in category.projects.filter(status=ProjectStatus.CHAMPION):
                if (juror.pk, champion.pk) in scored:
                    continue
                base = 3 + merit.get((category.number, champion.organisation_name), 0) % 6
                mark = max(1, min(10, base + leniency))
                score_save(
                    juror=juror,
                    project=champion,
                    marks=dict.fromkeys(("merit", "originality", "impact", "sustainability"), mark),
                    comment="Demo score.",
                    submit=True,
                    at=clock.scored(),
                )
    if not _phase_reached(current, Phase.CEREMONY):
        return
    for category in categories:
        if category.projects.filter(status=ProjectStatus.WINNER).exists():
            continue
        ranking = category_ranking(category=category)
        if ranking:
            # The demo's scores may tie at the top: the secretariat then says why.
            reason = (
                "Tied at the top: the Expert Group chose it in its meeting."
                if (top_is_tied(ranking))
                else ""
            )
            winner_confirm(
                category=category, project=ranking[0].project, by=secretariat, reason=reason
            )
    if phase != PUBLISHED:
        return
    while Category.objects.filter(
        edition=edition, revealed_at__isnull=True, projects__status=ProjectStatus.WINNER
    ).exists():
        ceremony_reveal_next(edition=edition, by=secretariat)
    edition.refresh_from_db()
    if edition.results_published_at is None:
        results_publish(edition=edition, by=secretariat)  # queues the certificates
    else:
        # Made again by the task, as at publication, once this is committed.
        task_queue_after_commit(certificates_for_edition, edition_id=edition.pk)


def _outcome_clear(edition: Edition, phase: str) -> None:
    """What a phase before this one did not have yet: the reveal and publication before
    the results are out, the jury's work before winner selection."""
    current = Phase.CEREMONY if phase == PUBLISHED else Phase(phase)
    if phase != PUBLISHED:
        Category.objects.filter(edition=edition).update(revealed_at=None)
        Edition.objects.filter(pk=edition.pk).update(results_published_at=None)
    if not _phase_reached(current, Phase.JURY):
        Score.objects.filter(project__edition=edition).delete()
        ConflictOfInterest.objects.filter(project__edition=edition).delete()
        JuryAssignment.objects.filter(category__edition=edition).delete()


def _votes_clear(edition: Edition) -> None:
    """Before voting opens there are no votes."""
    VoteEvent.objects.filter(edition=edition).delete()
    Vote.objects.filter(edition=edition).delete()


def _standings_clear(edition: Edition) -> None:
    """Before voting closes there are no standings or exclusion report."""
    Standing.objects.filter(edition=edition).delete()
    Exclusion.objects.filter(edition=edition).delete()
    Edition.objects.filter(pk=edition.pk).update(standings_recorded_at=None)


def _outcome_stands(status: str, phase: str) -> bool:
    """Whether a project's outcome beyond nominee belongs to ``phase``: Champions once
    voting has closed, Winners from the ceremony on."""
    current = Phase.CEREMONY if phase == PUBLISHED else Phase(phase)
    if status == ProjectStatus.CHAMPION:
        return _phase_reached(current, Phase.CHAMPIONS)
    return status == ProjectStatus.WINNER and _phase_reached(current, Phase.CEREMONY)


def _phase_reached(current: Phase, phase: Phase) -> bool:
    return PHASE_ORDER.index(current) >= PHASE_ORDER.index(phase)


# --- Entry point -------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    edition: Edition
    phase: str
    current_phase: Phase
    categories: int
    statuses: dict[str, int]
    projects_created: int
    projects_updated: int
    projects_removed: int
    accounts: list[DemoAccount]
    password: str


@transaction.atomic
def demo_seed(
    *,
    phase: str = DEFAULT_PHASE,
    nominees_per_category: int = DEFAULT_NOMINEES_PER_CATEGORY,
    now: datetime | None = None,
) -> DemoSummary:
    """Create or update the demo edition so that ``phase`` (a timeline phase, or
    "published": the ceremony with its winners) is current at ``now``, with accounts
    and ``nominees_per_category`` nominee-track projects per category in the states
    that phase implies. Running it again, with any phase, duplicates nothing."""
    if phase not in DEMO_PHASES:
        raise ValueError(f"Unknown demo phase {phase!r}; expected one of {DEMO_PHASES}.")
    if not MIN_NOMINEES_PER_CATEGORY <= nominees_per_category <= MAX_NOMINEES_PER_CATEGORY:
        raise ValueError(
            f"nominees_per_category must be between {MIN_NOMINEES_PER_CATEGORY} and "
            f"{MAX_NOMINEES_PER_CATEGORY}, not {nominees_per_category}."
        )
    now = now or timezone.now()
    current = Phase.CEREMONY if phase == PUBLISHED else Phase(phase)

    edition = _edition_ensure(current=current, now=now)
    categories = edition_categories_create_standard(edition=edition)
    accounts, submitters, secretariat = _accounts_ensure()
    with emails_held():
        changes = _projects_ensure(
            edition=edition,
            categories=categories,
            submitters=submitters,
            secretariat=secretariat,
            phase=phase,
            nominees_per_category=nominees_per_category,
            now=now,
        )
        clock = _Clock(edition, now)
        if _phase_reached(current, Phase.VOTING):
            _votes_ensure(
                edition=edition,
                categories=categories,
                clock=clock,
                password_hash=make_password(DEMO_PASSWORD),
            )
        else:
            _votes_clear(edition)
        _outcome_clear(edition, phase)
        jurors = _jurors_ensure(
            password_hash=make_password(DEMO_PASSWORD), jury=User.objects.get(email=JURY_EMAIL)
        )
        if _phase_reached(current, Phase.CHAMPIONS):
            _results_ensure(
                edition=edition,
                phase=phase,
                secretariat=secretariat,
                jurors=jurors,
                clock=clock,
            )
        else:
            _standings_clear(edition)

    statuses = Counter(Project.objects.filter(edition=edition).values_list("status", flat=True))
    return DemoSummary(
        edition=edition,
        phase=phase,
        current_phase=current,
        categories=len(categories),
        statuses={status: statuses[status] for status in ProjectStatus.values},
        projects_created=changes.created,
        projects_updated=changes.updated,
        projects_removed=changes.removed,
        accounts=accounts,
        password=DEMO_PASSWORD,
    )
