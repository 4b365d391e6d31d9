"""benchmarks/cost_model.py (issue 28): it reads the template and the pinned calls, its totals are its lines, and the
SnapStart cache is memory x versions x time."""

from __future__ import annotations

import math

import pytest

from benchmarks import cost_model as cm
from local import cfn

TEMPLATE = cfn.load()
STACK = cm.read_stack(TEMPLATE)
CALLS = cm.pinned_calls()
ARGON2 = cm.argon2_functions()


def test_it_reads_the_templates_functions_memory_and_routes() -> None:
    functions = cfn.resources_of_type(TEMPLATE, "AWS::Serverless::Function")
    assert set(STACK.functions) == set(functions)
    default = TEMPLATE["Globals"]["Function"]["MemorySize"]
    for name, res in functions.items():
        assert STACK.functions[name].memory_mb == res["Properties"].get("MemorySize", default), name
    assert STACK.alarms == len(cfn.resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm"))
    assert STACK.alarm_metrics >= STACK.alarms
    # every route of the template has its measured DynamoDB calls, and the login is public
    assert set(STACK.route_function()) <= set(CALLS)
    assert STACK.route_function()[("POST", "/api/auth/login")] == ("AuthLoginFunction", False)
    assert STACK.route_function()[("GET", "/api/me")][1] is True


def test_schedules_per_month() -> None:
    assert cm.per_month("rate(1 minute)") == cm.MONTH_MINUTES
    assert cm.per_month("rate(15 minutes)") == cm.MONTH_MINUTES / 15
    assert cm.per_month("rate(7 days)") == pytest.approx(730 / 24 / 7)
    assert cm.per_month("cron(0 18 * * ? *)") == pytest.approx(730 / 24)
    with pytest.raises(ValueError):
        cm.per_month("cron(0 18 ? * MON *)")


def test_the_snapstart_cache_is_memory_times_versions_times_time() -> None:
    price = cm.PRICES["snapstart_cache"].usd
    assert cm.snapstart_cache_usd([1024], 1, 10 * 3600) == pytest.approx(10 * 3600 * price)
    assert cm.snapstart_cache_usd([1024], 2, 10 * 3600) == pytest.approx(2 * cm.snapstart_cache_usd([1024], 1, 10 * 3600))
    assert cm.snapstart_cache_usd([512, 512], 1, 10 * 3600) == pytest.approx(cm.snapstart_cache_usd([1024], 1, 10 * 3600))
    assert cm.snapstart_cache_usd([1024], 1, 60) == pytest.approx(3 * 3600 * price)  # 3 hours at least


@pytest.mark.parametrize("members", [1_000, 30_000])
def test_totals_are_the_sums_of_the_lines_and_snapstart_adds_its_cache(members: int) -> None:
    usage = cm.usage(members, STACK, CALLS, ARGON2)
    bills = {option: cm.bill(usage, STACK, option, versions=2) for option in cm.SNAPSTART_OPTIONS}
    for b in bills.values():
        assert b.total == pytest.approx(math.fsum(b.lines.values()))
        assert all(v >= 0 for v in b.lines.values())
    off, everything = bills["off"], bills["all"]
    assert off.lines["SnapStart cache"] == off.lines["SnapStart restore"] == 0
    memory = [f.memory_mb for f in STACK.functions.values()]
    assert everything.lines["SnapStart cache"] == pytest.approx(cm.snapstart_cache_usd(memory, 2))
    assert everything.snapstart_cold_starts == pytest.approx(off.cold_starts)  # every cold start is a restore
    login = bills["authorizer+login"]
    assert login.snapstart_gb == pytest.approx((STACK.functions["AuthAuthorizerFunction"].memory_mb + STACK.functions["AuthLoginFunction"].memory_mb) / 1024)
    # only the SnapStart lines and the Lambda duration (restores billed instead of inits) differ between options
    for line in off.lines:
        if not line.startswith(("SnapStart", "Lambda duration")):
            assert everything.lines[line] == off.lines[line], line


def test_requests_and_calls_are_a_fixed_part_and_a_part_proportional_to_members() -> None:
    fixed, small, large = (cm.usage(n, STACK, CALLS, ARGON2) for n in (0, 1_000, 10_000))
    assert fixed.api_requests > 0 and fixed.read_calls > 0  # staff upkeep of the other routes, the schedules
    for attribute in ("api_requests", "read_calls", "write_calls", "mails"):
        grown = getattr(large, attribute) - getattr(fixed, attribute)
        assert grown == pytest.approx(10 * (getattr(small, attribute) - getattr(fixed, attribute))), attribute
        assert grown > 0, attribute
    assert small.invocations["AuthAuthorizerFunction"] < small.api_requests  # the public routes skip it


def test_cold_starts_fall_as_a_function_gets_busier_and_each_active_day_starts_cold() -> None:
    minutes = cm.ACTIVE_MINUTES
    assert cm.cold_starts(0, minutes) == 0
    assert cm.cold_starts(5, minutes) == 5  # rarely used: every request is cold
    assert cm.cold_starts(100_000, minutes) == cm.ACTIVE_DAYS  # busy: only each day's first
    assert cm.cold_starts(2_000, minutes) / 2_000 > cm.cold_starts(20_000, minutes) / 20_000


def test_the_default_is_the_templates() -> None:
    default = TEMPLATE["Globals"]["Function"]["SnapStart"]["ApplyOn"]
    assert (cm.DEFAULT_SNAPSTART == "off") == (default == "None")


def test_it_prints_every_scale(capsys: pytest.CaptureFixture[str]) -> None:
    assert cm.main(["--members", "1000", "30000", "--assumptions"]) == 0
    out = capsys.readouterr().out
    assert f"{len(STACK.functions)} functions" in out
    assert "== 1,000 members" in out and "== 30,000 members" in out
    assert out.count("total JPY") == 2
    for key in cm.PRICES:
        assert key in out
