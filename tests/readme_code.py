#!/usr/bin/env python3
"""Checks that every C++ block of the README compiles as shown.

    python3 tests/readme_code.py README SNIPPETS_CPP CXX WORK_DIR [FLAGS...]

A block with `int main(` is a whole program: compiled alone (C++17). Any other
block must be tagged by the line before its fence, `<!-- snippet: NAME -->`;
SNIPPETS_CPP names where each one goes (`// @snippet NAME`) and is compiled
with all of them put in place (C++20). A block that cannot be compiled here
says why: `<!-- snippet: none (REASON) -->`. An untagged fragment, a tag with
no place, or a place with no block is an error.
"""
import pathlib
import re
import subprocess
import sys

BLOCK = re.compile(r"(?:<!-- snippet: ([^>]*?) -->\n)?```cpp\n(.*?)```", re.S)
PLACE = re.compile(r"^([ \t]*)// @snippet ([\w-]+)[ \t]*$", re.M)


def compile_file(cxx, std, path, flags):
    return subprocess.run([cxx, std, "-fsyntax-only", "-Wall", "-Wextra", "-Werror", *flags, str(path)],
                          capture_output=True, text=True)


def main() -> int:
    readme, snippets_cpp, cxx, work, *flags = sys.argv[1:]
    work = pathlib.Path(work)
    problems, programs, fragments = [], [], {}
    for tag, code in BLOCK.findall(pathlib.Path(readme).read_text(encoding="utf-8")):
        if "int main(" in code:
            programs.append(code)
        elif not tag:
            problems.append("an untagged C++ fragment (tag it `<!-- snippet: NAME -->`):\n" + code)
        elif tag.startswith("none"):
            if not re.fullmatch(r"none \(.+\)", tag):
                problems.append(f"`snippet: {tag}` must give its reason: `none (REASON)`")
        elif tag in fragments:
            problems.append(f"two README blocks are tagged `{tag}`")
        else:
            fragments[tag] = code

    harness = pathlib.Path(snippets_cpp).read_text(encoding="utf-8")
    places = [m.group(2) for m in PLACE.finditer(harness)]
    for name in sorted(set(fragments) - set(places)):
        problems.append(f"README fragment `{name}` has no `// @snippet {name}` in {snippets_cpp}")
    for name in sorted(set(places) - set(fragments)):
        problems.append(f"{snippets_cpp} wants `{name}`, which no README block is tagged with")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1

    def put(m):
        indent, name = m.group(1), m.group(2)
        body = "".join(indent + line if line.strip() else line for line in fragments[name].splitlines(True))
        return f"{indent}// ---- README: {name}\n{body}"

    filled = work / "readme_snippets.cpp"
    filled.write_text(PLACE.sub(put, harness), encoding="utf-8")
    run = compile_file(cxx, "-std=c++20", filled, flags)
    if run.returncode != 0:
        print(f"the README's fragments do not compile ({filled}):\n{run.stderr}", file=sys.stderr)
        return 1
    for n, code in enumerate(programs, 1):
        path = work / f"readme_program_{n}.cpp"
        path.write_text(code, encoding="utf-8")
        run = compile_file(cxx, "-std=c++17", path, flags)
        if run.returncode != 0:
            print(f"README program {n} does not compile:\n{code}\n{run.stderr}", file=sys.stderr)
            return 1
    print(f"{len(programs)} README programs and {len(fragments)} fragments compile")
    return 0


if __name__ == "__main__":
    sys.exit(main())
