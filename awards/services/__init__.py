"""Writes of the awards app: every state change, one function each."""

from awards.services.editions import (
    STANDARD_CATEGORIES,
    edition_categories_create_standard,
    edition_timeline_set,
)
from awards.services.nomination import (
    BulkResult,
    NominationClosed,
    ReasonRequired,
    nomination_accept,
    nomination_accept_many,
    nomination_reject,
)
from awards.services.projects import (
    ProjectInvalid,
    ProjectNotEditable,
    SubmissionClosed,
    SubmissionInvalid,
    TooManyImages,
    WrongCategory,
    project_create,
    project_delete,
    project_document_set,
    project_image_remove,
    project_images_add,
    project_logo_set,
    project_submit,
    project_update,
)
from awards.services.publication import (
    AlreadyPublished,
    NothingToReveal,
    WinnersMissing,
    ceremony_reveal_next,
    results_publish,
)
from awards.services.results import (
    VotingStillOpen,
    WinnersAlreadyChosen,
    champions_pick,
    standings_record,
)

__all__ = [
    "STANDARD_CATEGORIES",
    "AlreadyPublished",
    "BulkResult",
    "NominationClosed",
    "NothingToReveal",
    "ProjectInvalid",
    "ProjectNotEditable",
    "ReasonRequired",
    "SubmissionClosed",
    "SubmissionInvalid",
    "TooManyImages",
    "VotingStillOpen",
    "WinnersAlreadyChosen",
    "WinnersMissing",
    "WrongCategory",
    "ceremony_reveal_next",
    "champions_pick",
    "edition_categories_create_standard",
    "edition_timeline_set",
    "nomination_accept",
    "nomination_accept_many",
    "nomination_reject",
    "project_create",
    "project_delete",
    "project_document_set",
    "project_image_remove",
    "project_images_add",
    "project_logo_set",
    "project_submit",
    "project_update",
    "results_publish",
    "standings_record",
]
