"""Django's SQLite backend, flushing the votes before the projects they name.

On SQLite, triggers (``voting.triggers``) refuse at once to delete a nominee that still
has votes, as PostgreSQL's foreign key does; ``flush`` empties the tables one by one in
no set order, so the votes go first. PostgreSQL truncates all of them in one statement.
"""

from django.db.backends.sqlite3 import base, operations

VOTES = "voting_vote"


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        votes = self.quote_name(VOTES)
        return sorted(statements, key=lambda statement: votes not in statement)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
