"""Fuzzing the REST API against its own OpenAPI schema (issue 12 item 9), in CI.

Schemathesis loads the schema the application serves (/api/schema/), generates requests for every
operation of /api/v1/ and sends them in-process to the WSGI application, signed in with the API token of
a county official of the shared world (tests/permission_world.py: households, projects, fund entries,
cases, import jobs; plus assistance records, loans, visits, findings and indicators here). Path
parameters are drawn half from the records of that world (in and outside the official's scope) and half
by Schemathesis, so the detail endpoints answer with real data as well as with 404.

Every answer must be no 5xx, carry a documented status code and content type, and match the documented
schema of its body and headers. Writes run too, every POST, PUT, PATCH and DELETE (in the test's
transaction, rolled back after it; a write that succeeds changes the world for the examples after it,
which is fine); a few get valid bodies half of the time (`real_writes`), so that their 201 and 200
answers are checked as well. Revoking the official's token (DELETE /api/v1/auth/token/) is undone
before each request.

Bounded and repeatable: a fixed seed, derandomized Hypothesis, MAX_EXAMPLES per operation.
"""

import datetime as dt
import os
from decimal import Decimal

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assistance.models import AssistanceRecord, SmallLoan, Visit
from monitoring.models import QualityCode, QualityFinding, Severity
from projects.choices import AssistanceCategory, FundSource
from tests.permission_world import build_world
from villages.models import RegionIndicator

from .conftest import household_document

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))  # CI: 8; a deeper probe: FUZZ_EXAMPLES=50 pytest -s
CALLS = [0]
SEED = 20201231
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, in the test's thread and transaction. Django closes the database
    connection before and after each request; the test client suspends that, and so does this fixture."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    w = build_world()
    official = w.users.county  # 昌图县: sites A and B are inside the scope, D and X outside
    home = w.household["A"]
    today = dt.date(2020, 6, 1)
    w.record = AssistanceRecord.objects.create(
        household=home, category=AssistanceCategory.INDUSTRY, date=today, content="养牛", amount=Decimal("500.00")
    )
    w.loan = SmallLoan.objects.create(
        household=home,
        bank="农村信用社",
        amount=Decimal("30000.00"),
        benchmark_rate=Decimal("4.35"),
        term_months=36,
        issued_on=today,
        due_on=dt.date(2023, 6, 1),
    )
    w.visit = Visit.objects.create(household=home, visitor=official, visited_on=today, findings="生活稳定")
    QualityFinding.objects.create(
        since=today,
        code=QualityCode.values[0],
        severity=Severity.values[0],
        household=home,
        member=home.members.first(),
        county=home.county,
        village=home.village,
        detail={"field": "income"},
    )
    for region in (w.tree.county, w.tree.village_a):  # a nightly snapshot: the indicators and the reports
        RegionIndicator.objects.create(
            as_of=today,
            region=region,
            level=region.level,
            year=2020,
            params_version=1,
            rural_population=1000,
            remaining_poor=20,
            incidence=Decimal("2.0000"),
            comprehensive_incidence=Decimal("2.5000"),
            exit_eligible=True,
        )
    w.official = official
    return w


def real_path_values(w) -> dict[str, list[dict]]:
    """Path parameters of records that exist, by the operation's path: in the scope and next door."""
    sites = ("A", "B", "D", "X")
    numbers = [{"number": w.household[s].number} for s in sites] + [{"number": w.homes.c.number}]
    codes = [{"code": r.code} for r in (w.tree.county, w.tree.village_a, w.tree.township, w.tree.county2)]

    def ids(*tables):
        return [{"id": table[s].pk} for table in tables for s in sites]

    return {
        "/api/v1/households/{number}/": numbers,
        "/api/v1/households/{number}/exit-check/": numbers,
        "/api/v1/households/{number}/incomes/": numbers,
        "/api/v1/households/{number}/incomes/{year}/": [dict(n, year=year) for n in numbers for year in (2019, 2020)],
        "/api/v1/regions/{code}/": codes,
        "/api/v1/regions/{code}/indicators/": codes,
        "/api/v1/reports/{code}/summary/": codes,
        "/api/v1/projects/{id}/": ids(w.project),
        "/api/v1/projects/{id}/transition/": ids(w.project),
        "/api/v1/funds/allocations/{id}/": ids(w.allocation, w.free_allocation),
        "/api/v1/funds/allocations/{id}/reverse/": ids(w.free_allocation),
        "/api/v1/funds/arrangements/{id}/": ids(w.arrangement, w.free_arrangement),
        "/api/v1/funds/arrangements/{id}/reverse/": ids(w.free_arrangement),
        "/api/v1/funds/disbursements/{id}/": ids(w.disbursement),
        "/api/v1/funds/disbursements/{id}/reverse/": ids(w.disbursement),
        "/api/v1/cases/{id}/": ids(w.exit_case, w.county_case),
        "/api/v1/cases/{id}/transition/": ids(w.exit_case, w.county_case),
        "/api/v1/imports/{id}/": [{"id": job.pk} for job in w.job.values()],
        "/api/v1/imports/{id}/commit/": [{"id": job.pk} for job in w.job.values()],
        "/api/v1/assistance/records/{id}/": [{"id": w.record.pk}],
        "/api/v1/assistance/loans/{id}/": [{"id": w.loan.pk}],
        "/api/v1/assistance/visits/{id}/": [{"id": w.visit.pk}],
    }


def real_writes(w) -> dict[str, list[dict]]:
    """Valid requests of a few writes (by the operation's label), so that their success answers are
    checked against the schema as well: generated bodies rarely name a household of the scope."""
    number = w.household["A"].number
    assessment = {"assessed_on": "2020-06-02", "food_secure": True, "clothing_secure": True}
    writes = {
        "POST /api/v1/households/": [{"body": household_document(w.tree.village_b.code)}],
        "PATCH /api/v1/households/{number}/": [
            {"path_parameters": {"number": number}, "body": {"phone": "13900000000", "assessment": assessment}}
        ],
        "POST /api/v1/assistance/records/": [
            {
                "body": {
                    "household": number,
                    "category": AssistanceCategory.INDUSTRY,
                    "date": "2020-07-01",
                    "content": "发放鸡苗",
                    "amount": "300.00",
                }
            }
        ],
        "POST /api/v1/assistance/loans/": [
            {
                "body": {
                    "household": number,
                    "bank": "农村信用社",
                    "amount": "20000.00",
                    "benchmark_rate": "4.35",
                    "term_months": 24,
                    "issued_on": "2020-03-01",
                    "due_on": "2022-03-01",
                }
            }
        ],
        "POST /api/v1/assistance/visits/": [
            {
                "body": {"household": number, "visited_on": "2020-07-02", "findings": "收入稳定"},
            }
        ],
        "POST /api/v1/funds/allocations/": [
            {
                "body": {
                    "source": FundSource.PROVINCIAL,
                    "county": w.tree.county.code,
                    "document_number": "辽财农〔2020〕9号",
                    "amount": "800.00",
                    "date": "2020-03-01",
                }
            }
        ],
    }
    return {label: [dict(given, media_type="application/json") for given in items] for label, items in writes.items()}


@pytest.fixture
def api_schema(wsgi_app, world):
    """The schema the application serves, loaded through its WSGI interface like any client would."""
    config = SchemathesisConfig.from_dict({"seed": SEED, "generation": {"database": "none"}})
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=config)


def cases(operation, explicit: list[dict]):
    """Requests for one operation: half of them from the given path parameters and bodies, if any."""
    generated = operation.as_strategy()
    if not explicit:
        return generated
    return st.one_of(st.sampled_from(explicit).flatmap(lambda given: operation.as_strategy(**given)), generated)


def fuzz(operations, *, app, user, paths: dict[str, list[dict]], writes: dict[str, list[dict]]) -> dict:
    """Each operation's failures (a 5xx or an answer other than documented), by the operation's label."""
    failures = {}
    key = Token.objects.get_or_create(user=user)[0].key
    headers = {"Authorization": f"Token {key}"}

    def keep_the_token():
        # DELETE /api/v1/auth/token/ revokes it and POST issues another: each request finds the same one.
        Token.objects.filter(user=user).exclude(key=key).delete()
        Token.objects.get_or_create(key=key, defaults={"user": user})

    for operation in operations:
        explicit = [{"path_parameters": p} for p in paths.get(operation.path, [])] + writes.get(operation.label, [])

        @given(case=cases(operation, explicit))
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is reported as found
        )
        def answers_as_documented(case):
            keep_the_token()
            CALLS[0] += 1
            case.call_and_validate(app=app, headers=headers, checks=CHECKS)

        try:
            answers_as_documented()
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried, then all failures reported
            failures[operation.label] = exc
    return failures


def report(failures: dict) -> str:
    return "\n\n".join(f"{label}:\n{exc}" for label, exc in failures.items())


def test_every_operation_answers_as_its_schema_says(api_schema, wsgi_app, world):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40
    failures = fuzz(
        operations, app=wsgi_app, user=world.official, paths=real_path_values(world), writes=real_writes(world)
    )
    print(f"fuzz: {len(operations)} operations, {CALLS[0]} calls, {len(failures)} failing operations")
    assert not failures, report(failures)


def test_the_region_tree_answers_as_documented_up_to_the_province(api_schema, wsgi_app, world):
    """Province staff see the top of the tree, where a region has no parent."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    regions = [op for op in operations if op.method == "get" and op.path.startswith("/api/v1/regions/")]
    known = {op.path: [{"code": world.tree.province.code}, {"code": world.tree.city.code}] for op in regions}
    failures = fuzz(regions, app=wsgi_app, user=world.users.province, paths=known, writes={})
    assert not failures, report(failures)
