#!/usr/bin/env python3
"""Compiles every C++ block of the README that is a whole program (it has
`int main(`), so that the README's code works as shown.

    python3 tests/readme_programs.py README CXX INCLUDE_DIR WORK_DIR [FLAGS...]
"""
import pathlib
import re
import subprocess
import sys


def main() -> int:
    readme, cxx, include, work, *flags = sys.argv[1:]
    blocks = re.findall(r"```cpp\n(.*?)```", pathlib.Path(readme).read_text(encoding="utf-8"), re.S)
    programs = [b for b in blocks if "int main(" in b]
    if not programs:
        print("no whole program found in the README", file=sys.stderr)
        return 1
    for n, code in enumerate(programs, 1):
        path = pathlib.Path(work) / f"readme_program_{n}.cpp"
        path.write_text(code, encoding="utf-8")
        run = subprocess.run([cxx, "-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-I", include,
                              *flags, str(path)], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"README program {n} does not compile:\n{code}\n{run.stderr}", file=sys.stderr)
            return 1
    print(f"{len(programs)} README programs compile")
    return 0


if __name__ == "__main__":
    sys.exit(main())
