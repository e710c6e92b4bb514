"""The trigger that keeps a household case's region on its household's village (issue 16).

A case about a household is opened with `region` = the household's village (workflows.services). When
the household moves to another village — by its page, the API, an import or any bulk update — this
trigger, installed by the workflows app on the households table it reads, moves its cases with it in
the same statement. So a case's scope is its region's, one index range (workflows.selectors
.case_list_for), for household and region cases alike: scoping household cases by `household IN (the
scope's households)` made PostgreSQL hash a county's 45,000 households on every inbox badge and, for a
province, scan its 1,000,000 households once per waiting case (100 s with 500,000 cases).
"""

NAME = "households_household_cases_follow"  # the trigger's name, as written below
FUNCTION = "workflows_case_follow_household"  # its function on PostgreSQL


def postgresql_statements() -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION workflows_case_follow_household() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  UPDATE workflows_case SET region_id = NEW.village_id WHERE household_id = NEW.id;\n"
        "  RETURN NULL;\n"
        "END\n$$",
        f"DROP TRIGGER IF EXISTS {NAME} ON households_household",
        "CREATE TRIGGER households_household_cases_follow AFTER UPDATE OF village_id ON households_household"
        " FOR EACH ROW WHEN (OLD.village_id IS DISTINCT FROM NEW.village_id)"
        " EXECUTE FUNCTION workflows_case_follow_household()",
    ]


def sqlite_statements() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {NAME}",
        "CREATE TRIGGER households_household_cases_follow AFTER UPDATE OF village_id ON households_household"
        " FOR EACH ROW WHEN OLD.village_id IS NOT NEW.village_id"
        " BEGIN UPDATE workflows_case SET region_id = NEW.village_id WHERE household_id = NEW.id; END",
    ]


# Cases whose region is not (or no longer) their household's village: set right once, when installed.
ALIGN = (
    "UPDATE workflows_case SET region_id = (SELECT h.village_id FROM households_household h"
    " WHERE h.id = workflows_case.household_id) WHERE household_id IS NOT NULL AND region_id <>"
    " (SELECT h.village_id FROM households_household h WHERE h.id = workflows_case.household_id)"
)


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = postgresql_statements() if vendor == "postgresql" else sqlite_statements()
    for sql in [*statements, ALIGN]:
        schema_editor.execute(sql)


def uninstall(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON households_household")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}")
