"""Runs a program built with Emscripten under node against `kling serve`.

usage: run_against_gateway.py KLING NODE PROGRAM.js [--fault SPEC]... [--processing-seconds S]
                              [--expect-tasks N] [--expect-faults KIND,...]

The program gets the gateway's base URL and key as its two arguments and
must exit 0. With --expect-tasks the gateway must have created exactly that
many tasks; with --expect-faults, each fault kind must have been served.
"""
import argparse
import json
import subprocess
import sys
import urllib.request


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kling")
    parser.add_argument("node")
    parser.add_argument("program")
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("--processing-seconds")
    parser.add_argument("--expect-tasks", type=int)
    parser.add_argument("--expect-faults", default="")
    args = parser.parse_args()

    serve = [args.kling, "serve", "--port", "0"]
    if args.processing_seconds:
        serve += ["--processing-seconds", args.processing_seconds]
    for fault in args.fault:
        serve += ["--fault", fault]
    gateway = subprocess.Popen(serve, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = gateway.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            sys.exit("kling serve did not start: " + gateway.stderr.read())
        run = subprocess.run([args.node, args.program, url, "fake-gateway-key"], timeout=120)
        with urllib.request.urlopen(url + "/_fake/stats", timeout=10) as answer:
            stats = json.loads(answer.read())
    finally:
        gateway.terminate()
        gateway.wait(timeout=10)
    faults = {entry["fault"] for entry in stats["log"] if entry["fault"]}
    print("gateway: %d requests, %d tasks created, faults served: %s"
          % (stats["requests"], stats["tasks_created"], ", ".join(sorted(faults)) or "none"))
    if run.returncode != 0:
        sys.exit("the program exited with %d" % run.returncode)
    if args.expect_tasks is not None and stats["tasks_created"] != args.expect_tasks:
        sys.exit("expected %d tasks created, got %d" % (args.expect_tasks, stats["tasks_created"]))
    missing = {f for f in args.expect_faults.split(",") if f} - faults
    if missing:
        sys.exit("faults never served: %s" % ", ".join(sorted(missing)))


if __name__ == "__main__":
    main()
