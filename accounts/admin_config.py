from django.contrib.admin.apps import AdminConfig


class SecretariatAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SecretariatAdminSite"
