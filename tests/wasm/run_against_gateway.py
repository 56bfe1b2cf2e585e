"""Runs a program built with Emscripten against `kling serve` with faults.

usage: run_against_gateway.py KLING NODE PROGRAM.js

The program gets the gateway's base URL and key as its two arguments, must
exit 0, and the gateway must have created exactly one task per request,
although the first create's connection was dropped after the task was made.
"""
import json
import subprocess
import sys
import urllib.request

EXPECTED_TASKS = 3  # what examples/browser/browser_tracker.cpp submits


def main():
    kling, node, program = sys.argv[1:4]
    gateway = subprocess.Popen(
        [kling, "serve", "--port", "0", "--processing-seconds", "1",
         "--fault", "drop_after_create:creates", "--fault", "server_error:polls:every=3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = gateway.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            sys.exit("kling serve did not start: " + gateway.stderr.read())
        run = subprocess.run([node, program, url, "fake-gateway-key"], timeout=120)
        with urllib.request.urlopen(url + "/_fake/stats", timeout=10) as answer:
            stats = json.loads(answer.read())
    finally:
        gateway.terminate()
        gateway.wait(timeout=10)
    faults = sorted({entry["fault"] for entry in stats["log"] if entry["fault"]})
    print("gateway: %d requests, %d tasks created, faults %s" % (stats["requests"], stats["tasks_created"], faults))
    if run.returncode != 0:
        sys.exit("the program exited with %d" % run.returncode)
    if stats["tasks_created"] != EXPECTED_TASKS:
        sys.exit("expected %d tasks created, got %d" % (EXPECTED_TASKS, stats["tasks_created"]))
    if not {"drop_after_create", "server_error"} <= set(faults):
        sys.exit("the faults were not exercised: %s" % faults)


if __name__ == "__main__":
    main()
