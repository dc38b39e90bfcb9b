"""The person's own account pages: profile, personal data download, account deletion.

E-mail, password and two-factor authentication are django-allauth's pages, framed by
the same side menu (``frontend/account.html``).
"""

import copy
import json
from urllib.parse import urlsplit

from allauth.account import views as allauth_views
from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.i18n import set_language

from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.permissions import has_mfa
from accounts.services import (
    account_delete,
    personal_data_export,
    profile_update,
    user_language_set,
)
from config.languages import language_remember, preferred_language

DATA_FILENAME = "wsis-prizes-my-data.json"
LOGIN_CODE_GONE = _(
    "No code is waiting to be typed: it has expired, has been used, or too many wrong "
    "codes ended it. Ask for a new one."
)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    # A ModelForm writes the submitted values onto its instance even when they are
    # refused: edit a copy, so that the header keeps showing the saved name.
    form = ProfileForm(request.POST or None, instance=copy.copy(request.user))
    if request.method == "POST" and form.is_valid():
        person = profile_update(user=request.user, data=form.cleaned_data)
        # The profile in the language just chosen (or, none chosen, the browser's).
        language = person.language or preferred_language(request)
        with translation.override(language):
            messages.success(request, gettext("Your profile has been saved."))
            response = redirect("frontend:profile")
        if person.language:
            language_remember(response, person.language)
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    return render(
        request,
        "frontend/account/profile.html",
        {"form": form, "mfa_enabled": has_mfa(request.user)},
    )


@login_required
@never_cache
@require_safe
# The password is asked again before the person's data leaves the site or the account
# goes: a session left open on a shared computer must not be enough.
@reauthentication_required
def profile_data(request: HttpRequest) -> HttpResponse:
    data = personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="{DATA_FILENAME}"'
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@reauthentication_required
def profile_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        # Only once the account is gone: should the deletion fail, the person is still
        # logged in and can try again.
        logout(request)
        messages.success(request, gettext("Your account has been deleted."))
        return redirect("frontend:home")
    return render(request, "frontend/account/delete.html", {"form": form})


def login_code_confirm(request: HttpRequest) -> HttpResponse:
    """django-allauth's page that takes a login code. When no code is waiting (it
    expired, was used, or the visitor never asked for one), allauth sends the visitor
    to ask for a new one without a word; this says why, unless allauth has said it."""
    response = allauth_views.confirm_login_code(request)
    if response.status_code == 302 and urlsplit(response["Location"]).path == reverse(
        "account_request_login_code"
    ):
        storage = messages.get_messages(request)
        said = False
        for message in storage:
            said = said or message.level >= messages.ERROR
            # Reading them moves allauth's new messages among those to keep as they
            # are: make them text, as Django does before it stores new ones.
            message.message = str(message.message)
        storage.used = False  # read here, not shown: they stay for the next page
        if not said:
            messages.warning(request, LOGIN_CODE_GONE)
    return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's set_language (the cookie, and the same page in the
    chosen language), and for a signed-in person their account's saved language too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return response
