"""Writes of the awards app: every state change, one function each."""

from awards.services.audit import audit_record
from awards.services.editions import (
    RULE_FIELDS,
    STANDARD_CATEGORIES,
    edition_categories_create_standard,
    edition_rules_change,
    edition_timeline_set,
)
from awards.services.nomination import (
    REJECTION_REASON_REQUIRED,
    BulkResult,
    NominationClosed,
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
    ResultsNotPublished,
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
from config.errors import ReasonRequired

__all__ = [
    "REJECTION_REASON_REQUIRED",
    "RULE_FIELDS",
    "STANDARD_CATEGORIES",
    "AlreadyPublished",
    "BulkResult",
    "NominationClosed",
    "NothingToReveal",
    "ProjectInvalid",
    "ProjectNotEditable",
    "ReasonRequired",
    "ResultsNotPublished",
    "SubmissionClosed",
    "SubmissionInvalid",
    "TooManyImages",
    "VotingStillOpen",
    "WinnersAlreadyChosen",
    "WinnersMissing",
    "WrongCategory",
    "audit_record",
    "ceremony_reveal_next",
    "champions_pick",
    "edition_categories_create_standard",
    "edition_rules_change",
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
