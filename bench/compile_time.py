#!/usr/bin/env python3
"""Prints how long a translation unit takes to compile with each umbrella header,
with GCC and Clang (the best of three runs), as a figure to watch.

    python3 bench/compile_time.py
"""
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADERS = ["kling/fwd.hpp", "kling/core.hpp", "kling/kling.hpp", "kling/testing.hpp", "kling/testing/fake_gateway.hpp"]


def seconds(compiler: str, header: str, include: str) -> float:
    flags = subprocess.run(["pkg-config", "--cflags", "cpp-httplib"], capture_output=True, text=True).stdout.split()
    with tempfile.TemporaryDirectory() as tmp:
        source = pathlib.Path(tmp) / "tu.cpp"
        source.write_text(f"#include <{header}>\nint main() {{ return 0; }}\n")
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([compiler, "-std=c++17", "-c", str(source), "-o", str(pathlib.Path(tmp) / "tu.o"),
                            "-I", include, *flags], check=True)
            best = min(best, time.perf_counter() - start)
        return best


def main() -> int:
    print(f"{'header':30} {'edition':15} {'g++':>7} {'clang++':>8}")
    for header in HEADERS:
        for edition, include in (("include/", ROOT / "include"), ("single_include/", ROOT / "single_include")):
            row = [seconds(c, header, str(include)) for c in ("g++", "clang++")]
            print(f"{header:30} {edition:15} {row[0]:6.2f}s {row[1]:7.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
