"""OpenAPI 3.0 documents as JSON Schema, so that bodies can be checked against the APIs' own descriptions
(LINE's Messaging API, the agent inbox)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Dict, Iterator, List

import jsonschema
import yaml


def as_json_schema(openapi: Dict[str, Any]) -> Dict[str, Any]:
    """LINE's OpenAPI 3.0 document, adapted so that a JSON Schema 2020-12 validator checks it fully.

    - `nullable: true` becomes a "null" type.
    - A `discriminator` means "validate as the type it names": each such base schema becomes
      a dispatcher (if type is X, then the mapped schema), and the subtypes that extend it with
      allOf point at a copy without the dispatch (`<Name>Base`), which would otherwise recurse.
      Unknown type values are errors.
    - Every concrete schema (not a dispatcher, not extended by another) refuses property names
      it does not define, its bases' included, so that a misspelt field fails instead of passing
      unseen. (`propertyNames` rather than `unevaluatedProperties`, whose cost doubles with every
      nested level: a reply with quick replies took seconds to check.)
    """
    document = copy.deepcopy(openapi)
    schemas = document["components"]["schemas"]
    nodes = list(_nodes(document))
    for node in nodes:
        if node.pop("nullable", False) and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
    discriminated = {name for name, schema in schemas.items() if "discriminator" in schema}
    for node in nodes:
        for item in node.get("allOf", []):
            if item.get("$ref", "").rsplit("/", 1)[-1] in discriminated:
                item["$ref"] += "Base"
    for name in discriminated:
        base = schemas[name]
        rule = base.pop("discriminator")
        key, mapping = rule["propertyName"], rule["mapping"]
        schemas[name + "Base"] = base
        schemas[name] = {
            "allOf": [{"$ref": f"#/components/schemas/{name}Base"}]
            + [
                {"if": {"properties": {key: {"const": value}}, "required": [key]}, "then": {"$ref": target}}
                for value, target in mapping.items()
            ],
            "properties": {key: {"enum": list(mapping)}},
        }
    extended = {
        item["$ref"].rsplit("/", 1)[-1] for node in _nodes(document) for item in node.get("allOf", []) if "$ref" in item
    }
    for name, schema in schemas.items():
        if name not in extended and name not in discriminated and "additionalProperties" not in schema:
            names = _property_names(schema, schemas)
            if names:
                schema["propertyNames"] = {"enum": sorted(names)}
    return document


def _property_names(schema: Dict[str, Any], schemas: Dict[str, Any]) -> set:
    names = set(schema.get("properties", {}))
    for item in schema.get("allOf", []):
        names |= _property_names(schemas[item["$ref"].rsplit("/", 1)[-1]] if "$ref" in item else item, schemas)
    return names


def _nodes(value: Any) -> Iterator[Dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _nodes(child)
    elif isinstance(value, list):
        for child in value:
            yield from _nodes(child)


def response_errors(document: Path, path: str, method: str, status: int, body: Any) -> List[str]:
    """What is wrong with `body` as the `status` answer to `method path` in the document at `document`."""
    converted = as_json_schema(yaml.safe_load(document.read_text(encoding="utf-8")))
    pointer = path.replace("~", "~0").replace("/", "~1")
    resolver = jsonschema.RefResolver.from_schema(converted)
    answer = resolver.resolve(f"#/paths/{pointer}/{method.lower()}/responses/{status}")[1]
    if "$ref" in answer:  # a shared answer: #/components/responses/X
        answer = resolver.resolve(answer["$ref"])[1]
    validator = jsonschema.Draft202012Validator(answer["content"]["application/json"]["schema"], resolver=resolver)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(body)]
