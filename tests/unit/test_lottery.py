"""Property tests of the counselling lottery's pure assignment."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from netclub.services.lottery import assign

SLOTS = ["s1", "s2", "s3", "s4"]


@st.composite
def draws(draw):  # type: ignore[no-untyped-def]
    capacities = {s: draw(st.integers(min_value=0, max_value=4)) for s in SLOTS}
    count = draw(st.integers(min_value=0, max_value=25))
    applicants = []
    for n in range(count):
        prefs = draw(st.lists(st.sampled_from(SLOTS), min_size=1, max_size=2, unique=True))
        applicants.append((f"r{n:03d}", prefs))
    seed = draw(st.integers(min_value=0, max_value=2**53 - 1))
    return applicants, capacities, seed


@settings(max_examples=150, deadline=None)
@given(draws())
def test_never_exceeds_capacity_and_one_slot_each(case) -> None:  # type: ignore[no-untyped-def]
    applicants, capacities, seed = case
    result = assign(applicants, capacities, seed)
    assert set(result) == {a for a, _ in applicants}  # every applicant gets exactly one outcome
    taken = Counter(s for s in result.values() if s)
    assert all(taken[s] <= capacities[s] for s in taken)


@settings(max_examples=150, deadline=None)
@given(draws())
def test_only_own_preferences_and_first_choice_first(case) -> None:  # type: ignore[no-untyped-def]
    applicants, capacities, seed = case
    result = assign(applicants, capacities, seed)
    prefs = dict(applicants)
    first_choice_winners = Counter(s for a, s in result.items() if s and s == prefs[a][0])
    taken = Counter(s for s in result.values() if s)
    for applicant, slot in result.items():
        assert slot is None or slot in prefs[applicant]
        if slot != prefs[applicant][0]:
            # lost the 第一希望: that slot is full of people who chose it first
            assert first_choice_winners[prefs[applicant][0]] == capacities[prefs[applicant][0]]
        if slot is None:
            assert all(taken[p] == capacities[p] for p in prefs[applicant])  # no free seat was withheld


@settings(max_examples=100, deadline=None)
@given(draws())
def test_same_seed_same_result_whatever_the_input_order(case) -> None:  # type: ignore[no-untyped-def]
    applicants, capacities, seed = case
    assert assign(applicants, capacities, seed) == assign(list(reversed(applicants)), capacities, seed)


def test_uniformly_random_between_two_applicants() -> None:
    wins = Counter(next(a for a, s in assign([("a", ["s1"]), ("b", ["s1"])], {"s1": 1}, seed).items() if s) for seed in range(2000))
    assert 900 < wins["a"] < 1100
