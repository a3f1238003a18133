"""YAML for CI files: safe, bounded, and keeping the line of every string.

Loads through ``yaml.compose`` (the safe composer, no tags constructed), so ``on:`` stays the
string "on" rather than YAML 1.1's boolean True, merge keys (``<<: *defaults``) are applied,
and every scalar becomes a :class:`Text` that knows its line. Aliases are expanded with a node
budget, so a "billion laughs" document fails instead of exhausting memory.
"""

from __future__ import annotations

import yaml

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

MAX_NODES = 200_000


class Text(str):
    """A string from a YAML file with the (1-based) line where its content starts."""

    line: int | None

    def __new__(cls, value: str, line: int | None = None) -> Text:
        obj = super().__new__(cls, value)
        obj.line = line
        return obj


def line_of(value: object) -> int | None:
    return value.line if isinstance(value, Text) else None


class YamlError(ValueError):
    """The file is not YAML this parser accepts (syntax, size or shape)."""


def load(text: str) -> object:
    """The first document of ``text`` as dicts, lists and :class:`Text` scalars."""
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise YamlError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from exc
    budget = [MAX_NODES]
    for node in documents:
        if node is not None:
            return _convert(node, budget)
    return None


def _convert(node: yaml.Node, budget: list[int]) -> object:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError(f"more than {MAX_NODES} YAML nodes (aliases expanded)")
    if isinstance(node, yaml.ScalarNode):
        line = node.start_mark.line + 1
        if node.style in ("|", ">"):
            line += 1  # block scalars start on the line after the indicator
        return Text(str(node.value), line)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, budget) for child in node.value]
    if isinstance(node, yaml.MappingNode):
        merged: dict[str, object] = {}
        own: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = (
                Text(str(key_node.value), key_node.start_mark.line + 1)
                if isinstance(key_node, yaml.ScalarNode)
                else Text("?", key_node.start_mark.line + 1)
            )
            if key == "<<":
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for source in sources:
                    value = _convert(source, budget)
                    if isinstance(value, dict):
                        for k, v in value.items():
                            merged.setdefault(k, v)
                continue
            own[key] = _convert(value_node, budget)
        merged.update(own)
        return merged
    return None
