"""Signals through which the apps above ``accounts`` take part in what happens to an
account, without ``accounts`` importing them."""

from django.dispatch import Signal

# Sent with ``user`` to collect a person's data for download. Each receiver returns a
# ``(section, data)`` pair: data that JSON can encode, about that person only.
personal_data_requested = Signal()

# Sent with ``user`` inside the deletion's transaction, before the account is deleted,
# so that each app applies the privacy rules to what it holds about the person.
account_deleting = Signal()

# Sent with ``user``, ``by`` (who changed it) and ``changes`` (by field: the old and new
# values) inside the transaction that changed an account's roles, for the audit trail.
roles_changed = Signal()
