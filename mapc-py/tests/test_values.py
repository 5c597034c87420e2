"""Numbers stay exact through the dict path: ints of any size as int,
decimals as Decimal, floats only when asked."""

import datetime
import decimal
from decimal import Decimal

import pytest

import mapc


def test_a_20_digit_id_and_decimal_amounts_stay_exact():
    m = mapc.compile("id = .id required\namount = .amount_cents / 100\nrate = .rate")
    out = m.map({"id": 98765432109876543210, "amount_cents": 1999, "rate": Decimal("0.1000000000000000000001")})
    assert out == {"id": 98765432109876543210, "amount": Decimal("19.99"), "rate": Decimal("0.1000000000000000000001")}
    assert type(out["id"]) is int
    assert type(out["amount"]) is Decimal
    assert str(out["amount"]) == "19.99"


def test_a_20_digit_id_survives_the_json_paths_byte_for_byte():
    m = mapc.compile("id = .id")
    assert m.map_json('{"id": 12345678901234567890123}') == '{"id":12345678901234567890123}'
    assert m.map_json(b'{"id": -98765432109876543210}') == b'{"id":-98765432109876543210}'
    assert m.map_batch(['{"id": 98765432109876543210}']).outputs == ['{"id":98765432109876543210}']


def test_money_never_goes_through_float():
    m = mapc.compile("total = .a + .b")
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point
    assert m.map({"a": Decimal("0.1"), "b": Decimal("0.2")}) == {"total": Decimal("0.3")}
    assert str(m.map({"a": Decimal("0.10"), "b": Decimal("0.20")})["total"]) == "0.30"


def test_floats_only_when_asked():
    m = mapc.compile("x = .x\nn = .n")
    assert m.map({"x": Decimal("2.5"), "n": 3}, floats=True) == {"x": 2.5, "n": 3}
    out = m.map({"x": Decimal("2.5"), "n": 3}, floats=True)
    assert type(out["x"]) is float and type(out["n"]) is int
    # a float going in is read from its shortest repr, so 0.1 stays 0.1
    assert m.map({"x": 0.1, "n": 1}) == {"x": Decimal("0.1"), "n": 1}


def test_values_of_every_json_kind_round_trip_in_order():
    m = mapc.compile("o = .o")
    record = {"o": {"z": None, "a": True, "list": [1, "two", [3.5]], "t": (1, 2)}}
    out = m.map(record)
    assert out == {"o": {"z": None, "a": True, "list": [1, "two", [Decimal("3.5")]], "t": [1, 2]}}
    assert list(out["o"]) == ["z", "a", "list", "t"]


@pytest.mark.parametrize(
    "value, message",
    [
        (float("nan"), "`nan` is not a finite number"),
        (Decimal("Infinity"), "`Infinity` is not a finite number"),
    ],
)
def test_numbers_without_a_json_form_are_refused(value, message):
    m = mapc.compile("x = .x")
    with pytest.raises(ValueError, match=message):
        m.map({"x": value})


def test_values_without_a_json_form_name_their_path():
    m = mapc.compile("x = .x")
    with pytest.raises(TypeError, match=r"\$\.x\[1\]: a set has no JSON form"):
        m.map({"x": [1, {2}]})
    with pytest.raises(TypeError, match=r"\$\.x: keys must be str, found int"):
        m.map({"x": {1: 2}})
    loop = {}
    loop["x"] = loop
    with pytest.raises(ValueError, match="nested more than 256 levels"):
        m.map(loop)


def test_parameters_now_and_the_time_zone_are_passed_in():
    source = 'param tenant: string\ntenant = $tenant\nat = now()\nlocal = parse_datetime(.t, "%Y-%m-%d %H:%M")'
    now = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.timezone.utc)
    m = mapc.compile(source, params={"tenant": "acme"}, now=now, time_zone="Europe/Berlin")
    assert m.map({"t": "2026-07-01 09:00"}) == {
        "tenant": "acme",
        "at": "2026-03-29T00:30:00Z",
        "local": "2026-07-01T09:00:00+02:00",
    }
    same = mapc.compile(source, params={"tenant": "acme"}, now="2026-03-29T00:30:00Z", time_zone="Europe/Berlin")
    assert same.map({"t": "2026-07-01 09:00"}) == m.map({"t": "2026-07-01 09:00"})
    assert m.params == {"tenant": "acme"} and m.time_zone == "Europe/Berlin"


def test_now_must_have_an_offset_and_the_zone_must_exist():
    with pytest.raises(ValueError, match="RFC 3339"):
        mapc.compile("x = .x", now=datetime.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="IANA time zone"):
        mapc.compile("x = .x", time_zone="Mars/Olympus")
