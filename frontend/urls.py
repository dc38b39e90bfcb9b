from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from frontend.views import account, home, media, roles

app_name = "frontend"
urlpatterns = [
    path("", home.home, name="home"),
    path("editions/<int:year>/", home.edition_detail, name="edition"),
    path("profile/", account.profile, name="profile"),
    path("profile/data.json", account.profile_data, name="profile-data"),
    path("profile/delete/", account.profile_delete, name="profile-delete"),
    path("secretariat/", roles.secretariat, name="secretariat"),
    path("jury/", roles.jury, name="jury"),
    # MEDIA_URL: the projects' files, to those who may see each project.
    path("media/<path:name>", media.project_file, name="media"),
    # The words of the site's scripts, in the visitor's language (gettext in JavaScript).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Before the results: their certificates take any name ending in .pdf there.
    path("", include("frontend.urls_campaign")),
    path("", include("frontend.urls_submitter")),
    path("", include("frontend.urls_secretariat")),
    path("", include("frontend.urls_messages")),
    path("", include("frontend.urls_voting")),
    path("", include("frontend.urls_review")),
    path("", include("frontend.urls_jury")),
    path("", include("frontend.urls_results")),
]
