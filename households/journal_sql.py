"""The database triggers that fill the change journal (households.models.HouseholdChange, issue 16).

Each registry table names the households a changed row concerns — its own household, and for the
look-ups the nightly data-quality checks make across households (§8.2 DQ01 one person in two
households, DQ11 a poor person serving as a helper) the households whose current members carry the
changed row's ID number. Every such household gets one journal row per reader, in its county (a
household that moves county is journaled in both, by its old and its new row).

PostgreSQL: statement-level triggers with transition tables — one INSERT … SELECT per statement, so an
import's COPY of 300,000 members costs one set-based statement, not a function call per row. SQLite (the
embedded default) has only row-level triggers; the same SELECTs run with the row's values.

A change to these triggers is a new migration calling `install` again (it replaces them)."""

from . import changes

# table → (columns the sources read, the SELECTs of household ids over the changed rows `r`).
# {member} {helper} are the tables of members and helpers. ID numbers are compared normalised on the
# changed row's side against the indexed, stored numbers (quality_sql's DQ01/DQ11 look-ups do the same).
SOURCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "households_member": (
        ("household_id", "id_number"),
        (
            "SELECT r.household_id FROM {rows} r",
            "SELECT m.household_id FROM {rows} r JOIN {member} m ON m.id_number = UPPER(TRIM(r.id_number))"
            " WHERE r.id_number <> ''",
        ),
    ),
    "households_income": (("household_id",), ("SELECT r.household_id FROM {rows} r",)),
    "households_pairing": (
        ("household_id", "helper_id"),
        (
            "SELECT r.household_id FROM {rows} r",
            "SELECT m.household_id FROM {rows} r JOIN {helper} hp ON hp.id = r.helper_id"
            " JOIN {member} m ON m.id_number = UPPER(TRIM(hp.id_number)) WHERE hp.id_number <> ''",
        ),
    ),
    "households_helper": (
        ("id_number",),
        (
            "SELECT m.household_id FROM {rows} r JOIN {member} m ON m.id_number = UPPER(TRIM(r.id_number))"
            " WHERE r.id_number <> ''",
        ),
    ),
    "households_memberevent": (
        ("member_id",),
        ("SELECT m.household_id FROM {rows} r JOIN {member} m ON m.id = r.member_id",),
    ),
}
HOUSEHOLD = "households_household"
JOURNAL = "households_householdchange"
EVENTS = ("INSERT", "UPDATE", "DELETE")


def _readers() -> str:
    return " UNION ALL ".join(f"SELECT '{reader}' AS reader" for reader in changes.READERS)


# A household already journaled for a reader and county is not journaled again (the unique constraint
# householdchange_once): its row is updated instead, not skipped — the update locks the row, so a night
# taking the journal meanwhile waits for this transaction and then sees its change (with DO NOTHING, a
# night could take the old row while this change was not yet committed, and lose it). "WHERE true" lets
# SQLite parse an upsert clause after a SELECT.
ONCE = " WHERE true ON CONFLICT (reader, county_id, household_id) DO UPDATE SET household_id = EXCLUDED.household_id"


def _insert(table: str, rows: str) -> str:
    """INSERT INTO the journal the households concerned by the rows `rows` of `table`."""
    head = f"INSERT INTO {JOURNAL} (household_id, county_id, reader) "
    if table == HOUSEHOLD:
        return head + f"SELECT DISTINCT r.id, r.county_id, rd.reader FROM {rows} r CROSS JOIN ({_readers()}) rd" + ONCE  # noqa: S608
    _columns, sources = SOURCES[table]
    ids = " UNION ".join(s.format(rows=rows, member="households_member", helper="households_helper") for s in sources)
    return (
        head + f"SELECT DISTINCT h.id, h.county_id, rd.reader FROM ({ids}) x"  # noqa: S608
        f" JOIN {HOUSEHOLD} h ON h.id = x.household_id CROSS JOIN ({_readers()}) rd" + ONCE
    )


def _columns(table: str) -> tuple[str, ...]:
    return ("id", "county_id") if table == HOUSEHOLD else SOURCES[table][0]


def _tables() -> list[str]:
    return [HOUSEHOLD, *SOURCES]


# The planner knows nothing of a transition table's size and, for a COPY's batch, chose to scan every
# member of the province to find the few with the batch's ID numbers: the seed of 1,000,000 households
# slowed to 230 a second. Inside the trigger functions only, the look-ups go by index (nested loops).
PROBE_BY_INDEX = " SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off"


def postgresql_statements() -> list[str]:
    statements = []
    for table in _tables():
        function = f"{table}_journal"
        body = (
            "BEGIN\n"
            f"  IF TG_OP IN ('INSERT', 'UPDATE') THEN {_insert(table, 'n')}; END IF;\n"
            f"  IF TG_OP IN ('UPDATE', 'DELETE') THEN {_insert(table, 'o')}; END IF;\n"
            "  RETURN NULL;\nEND"
        )
        statements.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql{PROBE_BY_INDEX}"
            f" AS $$\n{body}\n$$"
        )
        for event in EVENTS:
            name = f"{table}_journal_{event.lower()}"
            referencing = {
                "INSERT": "NEW TABLE AS n",
                "UPDATE": "NEW TABLE AS n OLD TABLE AS o",
                "DELETE": "OLD TABLE AS o",
            }[event]
            statements += [
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            ]
    return statements


def sqlite_statements() -> list[str]:
    statements = []
    for table in _tables():
        for event in EVENTS:
            name = f"{table}_journal_{event.lower()}"
            refs = {"INSERT": ("NEW",), "UPDATE": ("NEW", "OLD"), "DELETE": ("OLD",)}[event]
            inserts = []
            for ref in refs:
                row = ", ".join(f"{ref}.{col} AS {col}" for col in _columns(table))
                inserts.append(_insert(table, f"(SELECT {row})") + ";")
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {' '.join(inserts)} END",
            ]
    return statements


def install(schema_editor) -> None:
    """Create (or replace) the triggers on the schema editor's database."""
    vendor = schema_editor.connection.vendor
    statements = postgresql_statements() if vendor == "postgresql" else sqlite_statements()
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table in _tables():
        for event in EVENTS:
            name = f"{table}_journal_{event.lower()}"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_journal()")


def state_trigger_statements(vendor: str, *, table: str, column: str, reader: str, insert_when: str = "") -> list[str]:
    """Row triggers for a table of a higher app whose rows carry household_id and county_id: a row
    inserted (where `insert_when` holds of NEW, if given) or deleted, or whose `column` changed, journals
    its household for one reader. Other updates (the nightly run touching a date) journal nothing.
    Row-level: such tables change a row at a time (a dismissal, a case's decision), and a row trigger can
    look at the column."""
    insert = (
        "INSERT INTO {journal} (household_id, county_id, reader)"
        " VALUES ({ref}.household_id, {ref}.county_id, '{reader}')"
        " ON CONFLICT (reader, county_id, household_id) DO UPDATE SET household_id = EXCLUDED.household_id"
    )
    statements = []
    events = {
        "insert": ("INSERT", "NEW", insert_when),
        "update": (f"UPDATE OF {column}", "NEW", f"OLD.{column} IS DISTINCT FROM NEW.{column}"),
        "delete": ("DELETE", "OLD", ""),
    }
    for key, (event, ref, when) in events.items():
        name = f"{table}_journal_{key}"
        sql = insert.format(journal=JOURNAL, ref=ref, reader=reader)
        condition = f" WHEN ({when})" if when else ""
        if vendor == "postgresql":
            statements += [
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN {sql}; RETURN NULL; END $$",
                f"DROP TRIGGER IF EXISTS {name} ON {table}",
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition} EXECUTE FUNCTION {name}()",
            ]
        else:
            if vendor == "sqlite":
                condition = condition.replace("IS DISTINCT FROM", "IS NOT")
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition} BEGIN {sql}; END",
            ]
    return statements
