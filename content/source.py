"""Read one YAML file into plain Python data while remembering the line of every value."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .problems import Problem

NodePath = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceFile:
    """A parsed YAML file: ``data`` holds plain dicts, lists and scalars; ``lines`` maps node paths to lines."""

    path: Path
    display: str
    data: Any
    lines: dict[NodePath, int] = field(repr=False)

    def line_of(self, node: NodePath) -> int:
        """The line of ``node``, or of its nearest ancestor that exists (for a missing field)."""
        for end in range(len(node), -1, -1):
            line = self.lines.get(tuple(node[:end]))
            if line is not None:
                return line
        return 1


class YamlSyntaxError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_yaml(path: Path, display: str) -> SourceFile:
    """Parse ``path``; raise :class:`YamlSyntaxError` (with file, line and column) when it is not valid YAML."""
    yaml = YAML(typ="rt", pure=True)
    try:
        text = path.read_text(encoding="utf-8")
        document = yaml.load(text)
    except UnicodeDecodeError as error:
        raise YamlSyntaxError(
            Problem(display, 1, "", f"the file is not UTF-8 text ({error.reason}): save it as UTF-8")
        ) from None
    except MarkedYAMLError as error:
        raise YamlSyntaxError(_syntax_problem(display, error)) from None
    except YAMLError as error:
        raise YamlSyntaxError(Problem(display, 1, "", f"YAML error: {error}")) from None
    lines: dict[NodePath, int] = {(): 1}
    data = _plain(document, (), lines)
    return SourceFile(path=path, display=display, data=data, lines=lines)


def _syntax_problem(display: str, error: MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else None
    what = (error.problem or error.context or "invalid YAML").strip()
    if what.startswith("found duplicate key"):
        key = what.split('"')[1] if '"' in what else "?"
        return Problem(
            display, line, key, f"YAML error: '{key}' appears twice in the same mapping: keep one", column=column
        )
    advice = "check indentation, colons, brackets and quotes on this line or the one before"
    return Problem(display, line, "", f"YAML syntax error: {what}; {advice}", column=column)


def _plain(node: Any, path: NodePath, lines: dict[NodePath, int]) -> Any:
    if isinstance(node, CommentedMap):
        result = {}
        for key in node:
            child = (*path, str(key))
            lines[child] = node.lc.key(key)[0] + 1
            result[str(key)] = _plain(node[key], child, lines)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child = (*path, index)
            lines[child] = node.lc.item(index)[0] + 1
            items.append(_plain(value, child, lines))
        return items
    return _scalar(node)


def _scalar(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def yaml_files(root: Path) -> Iterator[Path]:
    """Every ``.yaml`` / ``.yml`` file below ``root`` in a stable order, skipping hidden folders."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix in {".yaml", ".yml"}:
            yield path
