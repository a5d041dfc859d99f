"""The demo's synthetic postcode table (R13): demo signals route, and loading again changes nothing."""

from __future__ import annotations

import pytest

from lcv.core.demo import demo_postcodes, load_demo_data
from lcv.organisations.models import Municipality, Organisation, OrganisationKind
from lcv.signals.models import PostcodeRange
from lcv.signals.routing import Router
from lcv.testing.signals import postcode

pytestmark = pytest.mark.django_db


def test_every_demo_municipality_has_postcodes_and_the_template_example_routes_to_utrecht():
    load_demo_data()
    by_code = dict(Municipality.objects.values_list("cbs_code", "id"))
    routed = Router(None).municipalities([("3511AB", 12), ("3584ZZ", 49), ("3584ZZ", 51), ("3584ZZ", 50)])
    assert routed == {("3511AB", 12): by_code["0344"], ("3584ZZ", 49): by_code["0344"], ("3584ZZ", 51): by_code["0355"]}
    with_postcodes = set(PostcodeRange.objects.values_list("municipality__cbs_code", flat=True))
    on_platform = set(
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).values_list("municipality__cbs_code", flat=True)
    )
    in_arrangement = set(Organisation.municipalities.through.objects.values_list("municipality__cbs_code", flat=True))
    assert on_platform | in_arrangement | {"0642", "0355", "0307"} <= with_postcodes
    for code in with_postcodes - {"0355"}:  # Zeist also has half of the split postcode
        assert PostcodeRange.objects.filter(municipality__cbs_code=code, house_from__isnull=True).count() == 10


def table() -> list[tuple[int, str, int | None, int | None, int]]:
    return sorted(PostcodeRange.objects.values_list("id", "postcode", "house_from", "house_to", "municipality_id"))


def test_loading_the_demo_again_changes_no_postcode_and_keeps_imported_ones():
    postcode("3511AB", "0355")  # as if imported before the demo: kept
    load_demo_data()
    rows = table()
    load_demo_data()
    assert table() == rows
    assert len(rows) == sum(len(ranges) for ranges in demo_postcodes().values())
    assert PostcodeRange.objects.get(postcode="3511AB").municipality.cbs_code == "0355"
