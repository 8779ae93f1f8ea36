"""Response mapping: JMESPath paths checked when the flow is saved, values cast as the rule says."""

import pytest

from nodes.base import NodeError
from nodes.integrations import common, mapping
from nodes.integrations.mapping import MappingRule

from .support import problems

RESPONSE = {
    "price": "1,250.50",
    "count": "3",
    "float_int": 4.0,
    "active": "Yes",
    "off": 0,
    "tag": "vip",
    "tags": ["a", "b"],
    "customer": {"name": "Ada", "id": 7},
    "empty": "",
    "items": [{"sku": "x1", "qty": 2}, {"sku": "y2", "qty": 5}],
}


@pytest.mark.parametrize(
    ("path", "cast", "expected"),
    [
        ("price", "number", 1250.5),
        ("count", "number", 3),
        ("float_int", "number", 4),
        ("empty", "number", None),
        ("active", "boolean", True),
        ("off", "boolean", False),
        ("tag", "list", ["vip"]),
        ("tags", "list", ["a", "b"]),
        ("nothing", "list", []),
        ("customer", "string", '{"name":"Ada","id":7}'),
        ("customer.id", "string", "7"),
        ("nothing", "string", ""),
        ("nothing", "auto", None),
        ("customer", "auto", {"name": "Ada", "id": 7}),
        ("items[?qty > `3`].sku | [0]", "auto", "y2"),
        ("sum(items[].qty)", "number", 7),
    ],
)
def test_casts(path, cast, expected):
    found = mapping.apply([MappingRule(variable="v", path=path, cast=cast)], RESPONSE)

    assert found == {"v": expected}
    assert type(found["v"]) is type(expected)


@pytest.mark.parametrize(
    ("path", "cast", "message"),
    [
        ("tag", "number", "Mapping for v (tag): 'vip' is not a number."),
        (
            "customer.name",
            "boolean",
            "Mapping for v (customer.name): 'Ada' is not true or false (true/false, yes/no, 1/0).",
        ),
        ("customer", "number", 'Mapping for v (customer): {"name": "Ada", "id": 7} is not a number.'),
    ],
)
def test_a_value_that_cannot_take_the_type_is_a_clear_error(path, cast, message):
    with pytest.raises(NodeError) as caught:
        mapping.apply([MappingRule(variable="v", path=path, cast=cast)], RESPONSE)

    assert str(caught.value) == message


def test_bad_jmespath_is_shown_on_its_field_when_the_flow_is_saved():
    found = problems(
        "rest_api",
        {
            "url": "https://api.example.com/x",
            "mapping": [
                {"variable": "ok", "path": "data.items[0].name"},
                {"variable": "broken", "path": "data.items[0"},
                {"variable": "ok", "path": "data"},
            ],
        },
    )

    assert set(found) == {"mapping.1.path", "mapping.2.variable"}
    assert found["mapping.1.path"].startswith("'data.items[0' is not a valid JMESPath expression")
    assert found["mapping.2.variable"] == "ok is already set by an earlier rule."


def test_xml_becomes_a_dict_with_attributes_repeated_children_and_no_namespaces():
    text = (
        '<?xml version="1.0"?><r:order xmlns:r="urn:x" id="9"><r:item sku="a">1</r:item>'
        '<r:item sku="b">2</r:item><note>hi <b>there</b></note><empty/></r:order>'
    )

    assert common.xml_to_data(text) == {
        "order": {
            "@id": "9",
            "item": [{"@sku": "a", "#text": "1"}, {"@sku": "b", "#text": "2"}],
            "note": {"b": "there", "#text": "hi"},
            "empty": "",
        }
    }


def test_xml_with_entities_is_refused_rather_than_expanded():
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>'

    with pytest.raises(ValueError, match="refused for safety"):
        common.xml_to_data(bomb)
