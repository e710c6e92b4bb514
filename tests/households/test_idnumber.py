import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from households.idnumber import age_on, parse_id_number, years_before


def test_the_example_of_the_specification_passes():
    info = parse_id_number("11010519491231002X")
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sex == "female"


def test_a_lower_case_x_is_accepted():
    assert parse_id_number("11010519491231002x").sex == "female"


@pytest.mark.parametrize("position", range(17))
def test_changing_any_one_digit_fails(position):
    value = list("11010519491231002X")
    value[position] = str((int(value[position]) + 1) % 10)
    with pytest.raises(ValidationError):
        parse_id_number("".join(value))


@pytest.mark.parametrize("value", ["", "1101051949123100", "11010519491231002Y", "1101051949123100XX"])
def test_malformed_numbers_fail_with_a_format_message(value):
    with pytest.raises(ValidationError) as e:
        parse_id_number(value)
    assert e.value.code == "format"


def test_an_impossible_birth_date_fails():
    with pytest.raises(ValidationError) as e:
        parse_id_number("110105194902300021")  # 30 February
    assert e.value.code == "birth_date"


def test_a_birth_date_in_the_future_fails():
    with pytest.raises(ValidationError) as e:
        parse_id_number("11010520990101002X", today=dt.date(2026, 1, 1))
    assert e.value.code == "birth_date"


def test_age_counts_full_years():
    assert age_on(dt.date(2010, 6, 15), dt.date(2016, 6, 14)) == 5
    assert age_on(dt.date(2010, 6, 15), dt.date(2016, 6, 15)) == 6


def test_the_birth_date_bound_of_an_age_agrees_with_the_age_also_on_29_february():
    assert years_before(dt.date(2019, 12, 31), 16) == dt.date(2003, 12, 31)
    assert years_before(dt.date(2020, 2, 29), 15) == dt.date(2005, 2, 28)
    for day in (dt.date(2020, 2, 28), dt.date(2020, 2, 29), dt.date(2021, 2, 28), dt.date(2021, 3, 1)):
        for birth in (dt.date(2004, 2, 28), dt.date(2004, 2, 29), dt.date(2005, 2, 28), dt.date(2005, 3, 1)):
            for years in (15, 16, 17):
                assert (age_on(birth, day) >= years) == (birth <= years_before(day, years))
