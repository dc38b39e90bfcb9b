from django.urls import path

from frontend.views import certificates, results

urlpatterns = [
    path("editions/<int:year>/results/", results.results, name="results"),
    path("editions/<int:year>/results.csv", results.results_csv, name="results-csv"),
    path("editions/<int:year>/ceremony/", results.ceremony, name="ceremony"),
    path("editions/<int:year>/ceremony.json", results.ceremony_feed_json, name="ceremony-feed"),
    path(
        "secretariat/editions/<int:year>/ceremony/",
        results.ceremony_host,
        name="ceremony-host",
    ),
    path("editions/<int:year>/success-stories.pdf", certificates.booklet, name="booklet"),
    path(
        "editions/<int:year>/my-projects/<int:pk>/<str:kind>.pdf",
        certificates.certificate,
        name="certificate",
    ),
]
