"""A nominee's campaign: the short share link, its QR code, and the submitter's
"Vote for us" poster."""

from django.urls import path

from frontend.views import campaign

urlpatterns = [
    path("n/<int:pk>/", campaign.share, name="share"),
    path("n/<int:pk>/qr.<str:kind>", campaign.share_qr, name="share-qr"),
    path(
        "editions/<int:year>/my-projects/<int:pk>/vote-for-us.pdf",
        campaign.poster,
        name="campaign-poster",
    ),
]
