"""Where files that no URL may reach are kept.

``MEDIA_ROOT`` holds the projects' logos, images and PDFs, served by the media view to
those who may see each project. Certificates, Champion letters and the booklet are kept
apart under ``PRIVATE_MEDIA_ROOT``: they have no URL at all, and leave only through the
views that check who asks (``frontend/views/certificates.py``). A web server pointed at
``MEDIA_ROOT`` by mistake still cannot hand them out.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    @property
    def base_location(self) -> str:
        # Read on each use, as MEDIA_ROOT is for the default storage, so that the setting
        # (and a test's) is what counts.
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: a view that checks who asks serves them.")


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of private files (a callable, so that migrations name it)."""
    return _private_storage
