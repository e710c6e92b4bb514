"""Rows of the apps above the registry that carry their household's village (and county) and follow the
household when it moves (issue 16): a trigger on the households table rewrites them in the statement
that moves the household — by its page, the API, an import or any bulk update.

So such rows are scoped by their own region columns, one index range, as the households are
(accounts.access.region_q), instead of by `household IN (the scope's households)`: a semi-join that hashed
a county's 45,000 households on every request and, for a province, scanned its 1,000,000 households.
The rows that follow are a case's region (workflows/case_region_sql.py) and a data-quality finding's
village and county (monitoring/region_follow_sql.py); each app installs its own trigger by a migration
that runs after the households table's last change (SQLite remakes a table it alters, and drops its
triggers)."""

from dataclasses import dataclass, field

HOUSEHOLD = "households_household"


@dataclass(frozen=True)
class Follower:
    """A table whose rows follow their household (`household_id`): `columns` maps its columns to the
    household's they copy — by default its village and county, as they are; a case's {"region_id":
    "village_id"}."""

    trigger: str  # the trigger's name, on both databases
    function: str  # its function, on PostgreSQL
    table: str
    columns: dict[str, str] = field(default_factory=lambda: {"village_id": "village_id", "county_id": "county_id"})

    def _update(self) -> str:
        """The statement run for a moved household `NEW` (the names are this module's constants, no input)."""
        copied = ", ".join(f"{column} = NEW.{source}" for column, source in self.columns.items())
        return f"UPDATE {self.table} SET {copied} WHERE household_id = NEW.id"  # noqa: S608

    def postgresql_statements(self) -> list[str]:
        return [
            f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"  {self._update()};\n"
            "  RETURN NULL;\n"
            "END\n$$",
            f"DROP TRIGGER IF EXISTS {self.trigger} ON {HOUSEHOLD}",
            f"CREATE TRIGGER {self.trigger} AFTER UPDATE OF village_id ON {HOUSEHOLD}"
            " FOR EACH ROW WHEN (OLD.village_id IS DISTINCT FROM NEW.village_id)"
            f" EXECUTE FUNCTION {self.function}()",
        ]

    def sqlite_statements(self) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {self.trigger}",
            f"CREATE TRIGGER {self.trigger} AFTER UPDATE OF village_id ON {HOUSEHOLD}"
            " FOR EACH ROW WHEN OLD.village_id IS NOT NEW.village_id"
            f" BEGIN {self._update()}; END",
        ]

    def align(self) -> str:
        """The rows that do not (or no longer) carry their household's columns, set right: run once, when
        the trigger is installed."""
        copied = ", ".join(
            f"{column} = (SELECT h.{source} FROM {HOUSEHOLD} h WHERE h.id = {self.table}.household_id)"  # noqa: S608
            for column, source in self.columns.items()
        )
        differs = " OR ".join(f"h.{source} <> {self.table}.{column}" for column, source in self.columns.items())
        return (
            f"UPDATE {self.table} SET {copied} WHERE household_id IS NOT NULL AND EXISTS"  # noqa: S608
            f" (SELECT 1 FROM {HOUSEHOLD} h WHERE h.id = {self.table}.household_id AND ({differs}))"
        )

    def install(self, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        statements = self.postgresql_statements() if vendor == "postgresql" else self.sqlite_statements()
        for sql in [*statements, self.align()]:
            schema_editor.execute(sql)

    def uninstall(self, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.trigger} ON {HOUSEHOLD}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {self.function}()")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.trigger}")


def install(schema_editor, *followers: Follower) -> None:
    """Install the triggers of `followers` (an app's migration, after the households table's last change)."""
    for follower in followers:
        follower.install(schema_editor)


def uninstall(schema_editor, *followers: Follower) -> None:
    for follower in followers:
        follower.uninstall(schema_editor)
