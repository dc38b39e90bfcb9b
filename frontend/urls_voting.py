"""The voter's pages: my ballot, and voting in each category."""

from django.urls import path

from frontend.views import standings, voting

BALLOT = "editions/<int:year>/vote/"
CATEGORY = f"{BALLOT}<int:number>/"

urlpatterns = [
    path("editions/<int:year>/standings/", standings.public_standings, name="public-standings"),
    path(BALLOT, voting.ballot, name="ballot"),
    path(CATEGORY, voting.ballot_category, name="ballot-category"),
    path(f"{CATEGORY}confirm/", voting.ballot_confirm, name="ballot-confirm"),
    path(f"{CATEGORY}withdraw/", voting.ballot_category_withdraw, name="ballot-withdraw"),
]
