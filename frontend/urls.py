from django.urls import path

from frontend import views, views_account, views_roles

app_name = "frontend"
urlpatterns = [
    path("", views.home, name="home"),
    path("editions/<int:year>/", views.edition_detail, name="edition"),
    path("profile/", views_account.profile, name="profile"),
    path("profile/data.json", views_account.profile_data, name="profile-data"),
    path("profile/delete/", views_account.profile_delete, name="profile-delete"),
    path("secretariat/", views_roles.secretariat, name="secretariat"),
    path("jury/", views_roles.jury, name="jury"),
]
