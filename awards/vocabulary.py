"""The contest's fixed words, stored in English in the database and shown in the
reader's language: the WSIS Action Lines (as the data migration 0002 writes them, the
standard categories taking their titles) and the Sustainable Development Goals (0003).

Listed here so that ``makemessages`` collects them; ``translated`` shows a stored text in
the active language, or as stored when it is not one of these (a category the
secretariat titled itself).
"""

from django.utils.translation import gettext, gettext_noop

ACTION_LINES = [
    gettext_noop(
        "The role of public governance authorities and all stakeholders in the promotion "
        "of ICTs for development"
    ),
    gettext_noop("Information and communication infrastructure"),
    gettext_noop("Access to information and knowledge"),
    gettext_noop("Capacity building"),
    gettext_noop("Building confidence and security in the use of ICTs"),
    gettext_noop("Enabling environment"),
    gettext_noop("ICT applications: benefits in all aspects of life"),
    gettext_noop("E-government"),
    gettext_noop("E-business"),
    gettext_noop("E-learning"),
    gettext_noop("E-health"),
    gettext_noop("E-employment"),
    gettext_noop("E-environment"),
    gettext_noop("E-agriculture"),
    gettext_noop("E-science"),
    gettext_noop("Cultural diversity and identity, linguistic diversity and local content"),
    gettext_noop("Media"),
    gettext_noop("Ethical dimensions of the Information Society"),
    gettext_noop("International and regional cooperation"),
]

SUSTAINABLE_DEVELOPMENT_GOALS = [
    gettext_noop("No poverty"),
    gettext_noop("Zero hunger"),
    gettext_noop("Good health and well-being"),
    gettext_noop("Quality education"),
    gettext_noop("Gender equality"),
    gettext_noop("Clean water and sanitation"),
    gettext_noop("Affordable and clean energy"),
    gettext_noop("Decent work and economic growth"),
    gettext_noop("Industry, innovation and infrastructure"),
    gettext_noop("Reduced inequalities"),
    gettext_noop("Sustainable cities and communities"),
    gettext_noop("Responsible consumption and production"),
    gettext_noop("Climate action"),
    gettext_noop("Life below water"),
    gettext_noop("Life on land"),
    gettext_noop("Peace, justice and strong institutions"),
    gettext_noop("Partnerships for the goals"),
]

_KNOWN = frozenset(ACTION_LINES) | frozenset(SUSTAINABLE_DEVELOPMENT_GOALS)


def translated(text: str) -> str:
    """``text`` in the active language if it is one of the contest's fixed words, else
    as it is (never another message of the catalogue that happens to read the same)."""
    return gettext(text) if text in _KNOWN else text
