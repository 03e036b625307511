"""The database itself keeps the archive append-only, on SQLite and on PostgreSQL.

Entries and disposal tombstones refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL); stored
content refuses UPDATE, and DELETE unless a disposal tombstone names it. Ordinary code paths
cannot get round this; only someone who can drop triggers -- the database owner -- can, and
`torget archive verify` then shows what they changed.

The migration that installs these keeps calling this module; a change to the triggers
belongs in a new migration that removes the old ones and installs the new.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

_LOCKED = ("archive_archiveentry", "archive_disposal")
_CONTENT = "archive_archivecontent"
_REFUSAL = "the public-records archive is append-only"


def _sqlite_statements() -> list[str]:
    statements = []
    for table in _LOCKED:
        for verb in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}: {verb} on {table} refused'); END"
            )
    statements.append(
        f"CREATE TRIGGER IF NOT EXISTS {_CONTENT}_no_update BEFORE UPDATE ON {_CONTENT} "
        f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}: UPDATE on {_CONTENT} refused'); END"
    )
    statements.append(
        f"CREATE TRIGGER IF NOT EXISTS {_CONTENT}_no_delete BEFORE DELETE ON {_CONTENT} "
        "WHEN NOT EXISTS (SELECT 1 FROM archive_disposal WHERE entry_id = OLD.entry_id) "
        f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}: content can only be removed by a disposal');"
        " END"
    )
    return statements


def _sqlite_trigger_names() -> list[str]:
    names = [f"{table}_no_{verb}" for table in _LOCKED for verb in ("update", "delete")]
    return [*names, f"{_CONTENT}_no_update", f"{_CONTENT}_no_delete"]


_PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION torget_archive_refuse() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{_REFUSAL}: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION torget_archive_content_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (
      SELECT 1 FROM archive_disposal WHERE entry_id = OLD.entry_id) THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '{_REFUSAL}: content can only be removed by a disposal'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION '{_REFUSAL}: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
"""


def _pg_statements() -> list[str]:
    statements = [_PG_FUNCTIONS]
    for table in _LOCKED:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION torget_archive_refuse()",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION torget_archive_refuse()",
        ]
    statements += [
        f"DROP TRIGGER IF EXISTS {_CONTENT}_guard ON {_CONTENT}",
        f"CREATE TRIGGER {_CONTENT}_guard BEFORE UPDATE OR DELETE ON {_CONTENT} "
        "FOR EACH ROW EXECUTE FUNCTION torget_archive_content_guard()",
        f"DROP TRIGGER IF EXISTS {_CONTENT}_no_truncate ON {_CONTENT}",
        f"CREATE TRIGGER {_CONTENT}_no_truncate BEFORE TRUNCATE ON {_CONTENT} "
        "FOR EACH STATEMENT EXECUTE FUNCTION torget_archive_refuse()",
    ]
    return statements


def _pg_drop_statements() -> list[str]:
    statements = []
    for table in _LOCKED:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        ]
    statements += [
        f"DROP TRIGGER IF EXISTS {_CONTENT}_guard ON {_CONTENT}",
        f"DROP TRIGGER IF EXISTS {_CONTENT}_no_truncate ON {_CONTENT}",
    ]
    return statements


class UnsupportedDatabase(RuntimeError):
    pass


def install(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "sqlite":
        statements = _sqlite_statements()
    elif connection.vendor == "postgresql":
        statements = _pg_statements()
    else:
        raise UnsupportedDatabase(
            f"Torget's archive needs SQLite or PostgreSQL, not {connection.vendor}"
        )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    """Only for reversing the migration, and for a test database's flush between tests."""
    if connection.vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in _sqlite_trigger_names()]
    else:
        statements = _pg_drop_statements()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
