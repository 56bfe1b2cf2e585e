#!/usr/bin/env python3
"""Writes the single-header editions of kling-cpp into single_include/.

Each umbrella header of include/kling/ becomes one file: every
`#include "kling/..."` is replaced by that header's text, the first time it
appears; system includes (<nlohmann/json.hpp>, <httplib.h>, ...) stay. Each
header keeps its include guard, so the editions can be included together.

    python3 tools/amalgamate.py           # regenerate single_include/
    python3 tools/amalgamate.py --check   # exit 1 when single_include/ is stale
"""

import argparse
import difflib
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = ROOT / "include"
OUTPUT = ROOT / "single_include"
# Each edition: what it holds, and what else it needs.
JSON = "nlohmann/json 3.2 or newer"
HTTPLIB = JSON + ", and cpp-httplib 0.11 or newer with its own compile flags"
EDITIONS = {
    "kling/kling.hpp": ("everything, with the cpp-httplib transport", HTTPLIB),
    "kling/core.hpp": ("everything but the cpp-httplib transport and the testing kit (no <httplib.h>)", JSON),
    "kling/testing.hpp": ("the core and the testing kit: mock transport, cassettes, virtual clock (no <httplib.h>)",
                          JSON),
    "kling/testing/fake_gateway.hpp": ("the fake gateway, a server on loopback over cpp-httplib", HTTPLIB),
    "kling/fwd.hpp": ("forward declarations, for headers that only name the types", "nothing else"),
    "kling/src.hpp": ("with KLING_SEPARATE_COMPILATION, the compiled part, in one source file of the program",
                      "kling.hpp (or core.hpp) beside it, and what that needs"),
}
# Editions that include other editions, which stay includes of the sibling file
# (the compiled part is the whole library again, with its definitions).
THIN = {"kling/src.hpp"}
DEFINITIONS = re.compile(r'^#if KLING_DEFINE_HERE && !defined\((KLING_\w+_IPP)\)')
LOCAL_INCLUDE = re.compile(r'^\s*#\s*include\s*[<"](kling/[^>"]+)[>"]')
VERSION = re.compile(r'#define KLING_VERSION_STRING "([^"]+)"')


class AmalgamationError(Exception):
    pass


def expand(relative: str, seen: set, stack: list, definitions: list) -> list:
    """The header's text with its kling includes expanded in place. Its
    definitions part goes to `definitions` instead, which the edition puts at
    top level after every declaration: nested inside another header's include
    guard, it would be skipped when <kling/src.hpp> includes the edition again."""
    if relative in seen:
        return []
    path = INCLUDE / relative
    if not path.is_file():
        where = f" (included from {stack[-1]})" if stack else ""
        raise AmalgamationError(f"missing header {relative}{where}")
    if relative in stack:
        raise AmalgamationError("include cycle: " + " -> ".join(stack + [relative]))
    seen.add(relative)
    lines = [f"// ----- begin {relative} -----\n"]
    own_definitions = [f"// ----- definitions of {relative} -----\n"]
    in_definitions = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(keepends=True), 1):
        in_definitions = in_definitions or bool(DEFINITIONS.match(line))
        match = LOCAL_INCLUDE.match(line)
        if match and relative in THIN and match.group(1) in EDITIONS:
            lines.append(f'#include "{pathlib.PurePosixPath(match.group(1)).name}"\n')
        elif match and relative in THIN:
            continue  # in the edition it includes, whose definitions parts all stand at top level
        elif match and in_definitions:
            # Expanded here, the header would vanish from programs that skip the definitions.
            raise AmalgamationError(f"{relative}:{number}: a definitions part includes {match.group(1)}; "
                                    "include it with the declarations")
        elif match:
            lines.extend(expand(match.group(1), seen, stack + [relative], definitions))
        elif in_definitions:
            own_definitions.append(line)
        else:
            lines.append(line)
    for part in (lines, own_definitions):
        if part and not part[-1].endswith("\n"):
            part[-1] += "\n"
    if len(own_definitions) > 1:
        definitions.extend(own_definitions)
    lines.append(f"// ----- end {relative} -----\n")
    return lines


def check_source_lists_every_definitions_part() -> None:
    """<kling/src.hpp> must name every header that has a definitions part."""
    named = {m.group(1) for line in (INCLUDE / "kling/src.hpp").read_text(encoding="utf-8").splitlines()
             if (m := LOCAL_INCLUDE.match(line))}
    for path in sorted((INCLUDE / "kling").rglob("*.hpp")):
        relative = path.relative_to(INCLUDE).as_posix()
        if relative.startswith("kling/testing/") or relative == "kling/testing.hpp":
            continue  # the testing kit is header-only in both modes
        if any(DEFINITIONS.match(line) for line in path.read_text(encoding="utf-8").splitlines()):
            if relative not in named:
                raise AmalgamationError(f"kling/src.hpp does not include {relative}, which has definitions")


def edition(relative: str, description: str, requires: str) -> str:
    version = VERSION.search((INCLUDE / "kling/version.hpp").read_text(encoding="utf-8"))
    if not version:
        raise AmalgamationError("KLING_VERSION_STRING not found in kling/version.hpp")
    banner = (
        f"// kling-cpp {version.group(1)}, single-header edition of <{relative}>: {description}.\n"
        "// Generated by tools/amalgamate.py from include/. Do not edit: change include/ and regenerate.\n"
        f"// Requires {requires}.\n"
    )
    definitions: list = []
    text = expand(relative, set(), [], definitions)
    return banner + "".join(text + definitions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 when stale")
    args = parser.parse_args()
    try:
        check_source_lists_every_definitions_part()
        wanted = {rel: edition(rel, *spec) for rel, spec in EDITIONS.items()}
    except AmalgamationError as e:
        print(f"amalgamate: {e}", file=sys.stderr)
        return 2
    stale = []
    for relative, text in wanted.items():
        target = OUTPUT / relative
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        if args.check:
            stale.append(relative)
            diff = difflib.unified_diff(
                (current or "").splitlines(keepends=True), text.splitlines(keepends=True),
                f"single_include/{relative} (checked in)", f"single_include/{relative} (from include/)", n=1)
            sys.stderr.writelines(list(diff)[:40])
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote single_include/{relative}")
    if stale:
        print("amalgamate: single_include/ is stale (" + ", ".join(stale) +
              "); run: python3 tools/amalgamate.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
