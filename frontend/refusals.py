"""A service's refusal shown on the form that caused it."""

from django import forms

from config.errors import DomainError


def refusal_onto_form(form: forms.Form, refusal: DomainError) -> bool:
    """Put the refusal's errors on the fields of ``form`` they name, when they all name
    fields of it (the page then shows the form again, with them); False, and the form
    untouched, when the refusal is about something else, for the page to say above."""
    if not refusal.errors or not set(refusal.errors) <= set(form.fields):
        return False
    for field, errors in refusal.errors.items():
        for error in errors:
            form.add_error(field, error)
    return True
