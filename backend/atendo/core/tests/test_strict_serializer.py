"""StrictSerializer: unknown fields refused; each serializer binds its own field copies, shallow
ones when no field holds others (`get_fields`), DRF's deep copies otherwise."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from atendo.core.api.base import StrictSerializer


class Filters(StrictSerializer):
    status = serializers.ChoiceField(choices=["open", "resolved"], default="open")
    q = serializers.CharField(max_length=5, required=False, default="")
    page_size = serializers.IntegerField(min_value=1, max_value=10, required=False)


class Item(StrictSerializer):
    name = serializers.CharField()


class Order(StrictSerializer):
    items = Item(many=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=3))


def test_leaf_fields_are_copies_bound_to_each_serializer():
    first, second = Filters(data={}), Filters(data={"status": "resolved"})
    for name in ("status", "q", "page_size"):
        declared = Filters._declared_fields[name]
        assert first.fields[name] is not declared and first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
        assert first.fields[name].field_name == name and first.fields[name].source_attrs == [name]
        assert getattr(declared, "parent", None) is None  # the declaration is never bound
    first.fields["q"].required = True  # a serializer adjusting its own copy
    assert second.fields["q"].required is False and Filters(data={}).fields["q"].required is False
    assert second.is_valid() and second.validated_data == {"status": "resolved", "q": ""}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"status": "x"}, {"status": ["invalid_choice"]}),
        ({"q": "toolong"}, {"q": ["max_length"]}),
        ({"page_size": "0"}, {"page_size": ["min_value"]}),
        ({"pagesize": "2"}, {"pagesize": ["unknown_field"]}),
    ],
)
def test_leaf_fields_validate_as_drf_does(data, errors):
    serializer = Filters(data=data)
    assert not serializer.is_valid()
    assert {name: [e.code for e in found] for name, found in serializer.errors.items()} == errors


def test_fields_holding_other_fields_are_deep_copies():
    first, second = Order(data={}), Order(data={})
    assert first.fields["items"] is not second.fields["items"]
    assert first.fields["items"].child is not second.fields["items"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    assert first.fields["tags"].child is not second.fields["tags"].child
    order = Order(data={"items": [{"name": "a"}], "tags": ["abcd"]})
    assert not order.is_valid()
    assert [e.code for e in order.errors["tags"][0]] == ["max_length"]
