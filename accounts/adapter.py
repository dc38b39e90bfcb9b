from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from disposable_email_domains import blocklist
from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import email_queue
from config.languages import language_remember, site_name
from config.network import browser_family, client_ip, request_network

# Marked here, translated where it is raised: the tests compare it as English text.
DISPOSABLE_MESSAGE = gettext_noop(
    "Addresses of disposable e-mail services cannot be used here: please sign up with an "
    "address you will keep, so that you can confirm it and receive the results."
)
EMAIL_TOO_LONG = _("An e-mail address has at most %(limit)d characters.")


def email_domain_is_disposable(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].strip().lower().rstrip(".")
    # A subdomain of a disposable service is disposable too.
    parts = domain.split(".")
    return any(".".join(parts[i:]) in blocklist for i in range(len(parts) - 1))


# allauth's label of the field of a code it asks for again (to re-authenticate, the second
# factor): listed so that makemessages collects it, and the site's catalogues, which come
# before allauth's, name it as the pages do ("رمز", not "شفرة"; "验证码", not "代码").
CODE = gettext_noop("Code")
# allauth's refusals of a log-in in the site's words: the pages and e-mails name the code
# the same way in every language, and the limit, which counts codes asked for as well as
# failed log-ins, blames no one for failing.
ERROR_MESSAGES = {
    "incorrect_code": _("This is not the code we sent: check it, or ask for a new one."),
    "too_many_login_attempts": _(
        "Too many attempts to log in with this address: wait a few minutes, then try again."
    ),
}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {**DefaultAccountAdapter.error_messages, **ERROR_MESSAGES}

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        # allauth would cut a longer address to the field's length and confirm another.
        limit = User._meta.get_field("email").max_length
        if len(email) > limit:
            raise forms.ValidationError(EMAIL_TOO_LONG % {"limit": limit}, code="max_length")
        if email_domain_is_disposable(email):
            raise forms.ValidationError(gettext(DISPOSABLE_MESSAGE), code="disposable_email")
        return email

    def format_email_subject(self, subject: str) -> str:
        """Every subject starts with the site's name in the mail's language."""
        return f"[{site_name()}] {subject}"

    def render_mail(self, template_prefix, email, context, headers=None):
        context = {
            "site_name": site_name(),
            # How long a login code lasts, as the login code e-mail says.
            "login_code_minutes": settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60,
            **context,
        }
        message = super().render_mail(template_prefix, email, context, headers)
        if message.content_subtype != "html" and not getattr(message, "alternatives", None):
            # Every mail has an HTML body: messages without a template of their own
            # get the text in the site's mail layout.
            message.attach_alternative(
                render_to_string(
                    "account/email/fallback_message.html",
                    {**context, "text": message.body, "subject": message.subject},
                ),
                "text/html",
            )
        return message

    def send_mail(self, template_prefix, email, context) -> None:
        # As allauth's own send_mail, but the message goes out through the e-mail task
        # once the transaction commits, and the site is named as the pages name it.
        request = allauth_context.request
        site = SimpleNamespace(name=site_name(), domain=request.get_host() if request else "")
        full_context = {"request": request, "email": email, "current_site": site, **context}
        email_queue(message=self.render_mail(template_prefix, email, full_context))

    def save_user(self, request, user, form, commit=True):
        """Every sign-up (the site's form, with or without a password, and the headless
        API's browser and app clients) keeps where the account was made from, for the
        fraud signals: the network, never the address, and the browser's family.
        Accounts made in the admin or by a command have neither. They are emptied once
        the results they could matter to are final (``voting.services.traces_purge``)."""
        if request is not None:
            user.signup_network = request_network(request)
            user.signup_browser = browser_family(request.headers.get("User-Agent", ""))
        return super().save_user(request, user, form, commit=commit)

    def is_login_by_code_required(self, login) -> bool:
        # A sign-up without a password goes on with a login code sent to the address:
        # typing it confirms the address and logs in (no confirmation link is sent
        # then, the address being confirmed). The stages after it still apply, the
        # second factor among them.
        if login.signup and login.user is not None and not login.user.has_usable_password():
            return True
        return super().is_login_by_code_required(login)

    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL

    def get_client_ip(self, request) -> str:
        # The address that rate limits and the sessions list see is the one the API's
        # throttles see (allauth raises PermissionDenied when it is empty).
        return client_ip(request) or super().get_client_ip(request)

    def post_login(self, request, user, **kwargs):
        """Logging in to an account that saved a language makes it the browser's choice:
        the next page comes in it (config.languages)."""
        response = super().post_login(request, user, **kwargs)
        if user.language and not isinstance(response, JsonResponse):
            language_remember(response, user.language)
        return response
