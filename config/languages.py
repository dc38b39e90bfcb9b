"""Which language a request is answered in.

Pages are under ``i18n_patterns``: English at addresses without a prefix, the other
languages under theirs (``/fr/…``). A page's language is its address's. A visitor who
opens an address without a prefix and prefers another language (their choice, kept in a
cookie that the switcher sets and that logging in sets to the account's saved language,
else their browser's ``Accept-Language``) is sent to the same page in that language; a
visitor who chose English stays.

The API and allauth's app API have no language in their addresses: they answer in the
preferred language (their ``detail`` texts; the codes never change).
"""

import functools

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import LocalePrefixPattern, get_resolver, get_script_prefix, is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers


def preferred_language(request: HttpRequest) -> str:
    """The visitor's language when the address does not say: their choice (the cookie
    the switcher sets, and logging in to an account that saved a language), else their
    browser's, else English. The account itself is not read here: a page cached for
    everyone (the ceremony feed, the nominees' files) must not vary by session."""
    return translation.get_language_from_request(request, check_path=False)


def language_remember(response: HttpResponse, language: str) -> HttpResponse:
    """Have the browser remember ``language`` as the visitor's choice (Django's
    language cookie, as its set_language view sets it)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@functools.cache
def _prefixes_outside_the_pages(urlconf: str) -> tuple[str, ...]:
    """The addresses the URLconf keeps outside i18n_patterns (the API, allauth's app API,
    the admin, the switcher), as prefixes: those have no address in another language."""
    return tuple(
        f"/{pattern.pattern}"
        for pattern in get_resolver(urlconf).url_patterns
        if not isinstance(pattern.pattern, LocalePrefixPattern)
    )


def _outside_the_pages(request: HttpRequest) -> bool:
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    return request.path_info.startswith(_prefixes_outside_the_pages(urlconf))


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        from_path = translation.get_language_from_path(request.path_info)
        if from_path:
            language = from_path
        else:
            language = preferred_language(request)
            if language != settings.LANGUAGE_CODE and not _outside_the_pages(request):
                translation.activate(language)
                if self._is_page(request, language):
                    if request.method in ("GET", "HEAD"):
                        return self._to_language(request, language)
                    language = settings.LANGUAGE_CODE  # a form posted to an English page
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    @staticmethod
    def _is_page(request: HttpRequest, language: str) -> bool:
        """Whether the address is a page, which has an address in ``language`` (the
        language must be active: the prefix of i18n_patterns is the active one's)."""
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        return is_valid_path(f"/{language}{request.path_info}", urlconf)

    def _to_language(self, request: HttpRequest, language: str) -> HttpResponse:
        prefix = get_script_prefix()
        url = request.get_full_path().replace(prefix, f"{prefix}{language}/", 1)
        redirect = HttpResponseRedirect(url)
        patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
        redirect.headers.setdefault("Content-Language", language)
        return redirect


def site_name() -> str:
    """The site's name: ``SITE_NAME`` where it is set, else the WSIS Prizes' own name in
    the language of the moment (Prix du SMSI, Premios de la CMSI, Премии ВВУИО…), as
    the pages' texts name them."""
    return settings.SITE_NAME or translation.gettext("WSIS Prizes")
