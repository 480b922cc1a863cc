"""Read YAML while remembering the line of every mapping, key and list item, and duplicate keys, within budgets."""

from __future__ import annotations

from typing import Any, NoReturn

import yaml

# Budgets of every rule file, live or candidate (the default rules use at most 5 levels and 34 KB).
MAX_YAML_CHARS = 256 * 1024
MAX_YAML_DEPTH = 32


class YAMLBudgetError(yaml.MarkedYAMLError):
    """A rule file over a YAML budget (size, nesting depth) or using an alias; the mark locates it."""

    def __init__(self, problem: str, mark: Any = None):
        super().__init__(problem=problem, problem_mark=mark)


class LineDict(dict[str, Any]):
    """A YAML mapping that knows its own line, the line of each key, and keys written twice."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}
        self.duplicates: list[tuple[str, int]] = []

    def line_of(self, key: str) -> int:
        """Line of a key, or of the mapping when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A YAML sequence that knows the line of each item."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        """Line of the item at index (or of the list)."""
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that builds LineDict and LineList and refuses aliases and deep nesting as it composes."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def _refuse(self, message: str) -> NoReturn:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in the stubs
        raise YAMLBudgetError(message, event.start_mark)

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        """Compose one node, refusing aliases and deep nesting before they cost anything."""
        if self.check_event(yaml.AliasEvent):
            # An alias repeats a whole subtree: a few lines of them expand to billions of values.
            self._refuse("YAML aliases (*name) are not allowed in rule files; write the values out")
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        # PyYAML composes recursively: stop at the budget, long before RecursionError, and before the
        # scanner has read much of a hostile file.
        if self._depth >= MAX_YAML_DEPTH:
            self._refuse(f"YAML nested deeper than {MAX_YAML_DEPTH} levels (the budget of a rule file)")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicates.append((str(key), line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    result.line = node.start_mark.line + 1
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_lines.append(item.start_mark.line + 1)
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)

# libyaml's C parser and composer, when PyYAML was built with it (its wheels are): ten times faster than
# the pure-Python ones, so a rule directory compiles in well under a second. It composes in C, so the
# budgets are checked first, on its stream of events, which costs no recursion and builds no tree.
_FAST = getattr(yaml, "__with_libyaml__", False)
if _FAST:
    from yaml.cyaml import CParser  # type: ignore[attr-defined]  # not re-exported in the stubs

    class _CLineLoader(CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's parser with the SafeLoader's constructors and the line-keeping mappings and lists."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _CLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _CLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


_TOO_DEEP = f"YAML nested deeper than {MAX_YAML_DEPTH} levels (the budget of a rule file)"


def _check_events(text: str) -> None:
    """Refuse aliases and deep nesting from libyaml's events, before anything is composed."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise YAMLBudgetError("YAML aliases (*name) are not allowed in rule files; write the values out", event.start_mark)
            if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise YAMLBudgetError(_TOO_DEEP, event.start_mark)
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in str(error.problem):
            raise YAMLBudgetError(_TOO_DEEP, error.problem_mark) from None  # libyaml's own limit, reached first
        raise


def load_yaml(text: str) -> Any:
    """Parse YAML text into LineDict/LineList/scalars; raises yaml.YAMLError (YAMLBudgetError over a budget) with a position."""
    if len(text) > MAX_YAML_CHARS:
        raise YAMLBudgetError(f"the file holds {len(text):,} characters; a rule file may hold at most {MAX_YAML_CHARS:,}")
    if _FAST:
        _check_events(text)
        loader: Any = _CLineLoader
        return yaml.load(text, Loader=loader)  # noqa: S506 - SafeConstructor's constructors only
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
