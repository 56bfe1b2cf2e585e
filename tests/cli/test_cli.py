#!/usr/bin/env python3
"""Black-box tests of the kling tool: what it prints and its exit codes.

    python3 tests/cli/test_cli.py KLING_BINARY FIXTURES_DIR
"""
import http.server
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

KLING = None
FIXTURES = None

SEED_ROUTES = {
    "o1_text_to_video": "omni_video", "o1_first_frame": "omni_video", "o1_image_element_reference": "omni_video",
    "o1_video_edit": "omni_video", "o1_video_reference": "omni_video", "o1_video_extension": "omni_video",
    "t2v_basic": "text_to_video", "t2v_sound": "text_to_video", "t2v_camera_simple": "text_to_video",
    "t2v_camera_preset": "text_to_video", "i2v_basic": "image_to_video", "i2v_first_last_frame": "image_to_video",
    "i2v_sound_voice": "image_to_video", "i2v_motion_brush": "image_to_video", "i2v_camera": "image_to_video",
    "motion_basic": "motion_control", "motion_prompt": "motion_control", "motion_image_orientation": "motion_control",
    "element_create": "element",
}


def kling(*args, stdin=None, env=None):
    return subprocess.run([KLING, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)


class ValidateTest(unittest.TestCase):
    def test_every_seed_example_is_valid_with_its_route(self):
        for name, route in SEED_ROUTES.items():
            with self.subTest(example=name):
                run = kling("validate", str(FIXTURES / "requests" / f"{name}.json"))
                self.assertEqual(run.returncode, 0, run.stderr)
                out = json.loads(run.stdout)
                self.assertEqual(list(out), ["route", "valid", "violations", "warnings"])
                self.assertEqual(out["route"], route)
                self.assertIs(out["valid"], True)
                self.assertEqual(out["violations"], [])

    def test_several_faults_are_all_listed_and_exit_3(self):
        body = {"model": "Kling-V2.6", "prompt": "a cat", "mode": "turbo", "aspect_ratio": "4:3",
                "seconds": 7, "sound": "loud", "callback_url": "hook"}
        run = kling("validate", "-", stdin=json.dumps(body))
        self.assertEqual(run.returncode, 3)
        out = json.loads(run.stdout)
        self.assertIs(out["valid"], False)
        found = {(v["rule"], v["field"]) for v in out["violations"]}
        self.assertEqual(found, {("C-3", "/mode"), ("C-4", "/aspect_ratio"), ("T-3", "/seconds"),
                                 ("T-2", "/sound"), ("C-6", "/callback_url")})
        for v in out["violations"]:
            self.assertEqual(list(v), ["rule", "field", "message"])
            self.assertTrue(v["message"])
        self.assertIn("5 rules", run.stderr)

    def test_warnings_do_not_invalidate(self):
        run = kling("validate", "-", stdin='{"model":"Kling-V3","prompt":"x"}')
        self.assertEqual(run.returncode, 0)
        out = json.loads(run.stdout)
        self.assertEqual(out["route"], "unknown")
        self.assertEqual([w["rule"] for w in out["warnings"]], ["ROUTE-4"])

    def test_unreadable_input_is_a_usage_error(self):
        for args, stdin in ((["validate", "-"], "not json"), (["validate", "/no/such/file.json"], None),
                            (["validate"], None), (["validate", "a", "b"], None), (["validate", "--nope", "x"], None)):
            with self.subTest(args=args):
                run = kling(*args, stdin=stdin)
                self.assertEqual(run.returncode, 2)
                self.assertEqual(run.stdout, "")
                self.assertTrue(run.stderr.startswith("kling: "))


class GeneralTest(unittest.TestCase):
    def test_help_and_unknown_commands(self):
        self.assertEqual(kling("--help").returncode, 0)
        self.assertIn("validate", kling("--help").stdout)
        self.assertEqual(kling("validate", "--help").returncode, 0)
        self.assertEqual(kling("frobnicate").returncode, 2)
        self.assertEqual(kling().returncode, 2)

    def test_overview_and_version(self):
        overview = kling("--help").stdout
        for line in ("validate   check a request", "serve      run the fake gateway", "--version"):
            self.assertIn(line, overview)
        version = kling("--version")
        self.assertEqual(version.returncode, 0)
        self.assertRegex(version.stdout, r"^kling \d+\.\d+\.\d+\n$")

    def test_plain_http_to_another_host_says_what_works(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_")}
        run = kling("--base-url", "http://gateway.example.com", "--api-key", "k-1234", "get", "t", env=env)
        self.assertEqual(run.returncode, 2)
        self.assertIn("use an https:// base URL", run.stderr)
        self.assertNotIn("k-1234", run.stderr)

    def test_rules_lists_the_catalogue(self):
        ids = kling("rules", "--ids").stdout.split()
        self.assertIn("O1-12", ids)
        self.assertEqual(len(ids), len(set(ids)))
        rules = json.loads(kling("rules", "--json").stdout)
        self.assertEqual([r["id"] for r in rules], ids)

    def test_readme_table_lists_every_rule(self):
        readme = (FIXTURES.parent.parent / "README.md").read_text(encoding="utf-8")
        for rule in json.loads(kling("rules", "--json").stdout):
            with self.subTest(rule=rule["id"]):
                self.assertIn("| %s | %s |" % (rule["id"], rule["applies_to"]), readme)


class FakeGateway:
    """`kling serve` on a free port, with faults, as a context manager."""

    def __init__(self, *faults, extra=()):
        args = [KLING, "serve", "--port", "0", *extra]
        for f in faults:
            args += ["--fault", f]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.process.kill()
            raise RuntimeError("kling serve did not start: " + self.process.stderr.read())
        self.key = "fake-gateway-key"

    def stats(self):
        with urllib.request.urlopen(self.url + "/_fake/stats", timeout=10) as r:
            return json.loads(r.read())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log = self.process.stdout.read() + self.process.stderr.read()  # what serve printed
        self.process.stdout.close()
        self.process.stderr.close()


def create_and_wait(gateway, body, *extra, lookup_window="0.5"):
    # A short lookup window: this fake refuses duplicates and finds a task at once (unless told otherwise).
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_")}
    return kling("--base-url", gateway.url, "--api-key", gateway.key, "--poll-interval", "0.05", "--timeout", "2",
                 "--lookup-window", lookup_window, "--verbose", *extra, "create", "-", "--wait",
                 stdin=json.dumps(body), env=env)


class HostileGatewayTest(unittest.TestCase):
    """kling create - --wait against a gateway that throttles, drops the first create, answers
    slowly, fails every other poll and answers HTML: one task where finishing is possible, a clean
    exit 1 where it is not, and never the key in the output."""

    body = {"model": "Kling-V2.6", "prompt": "a cat in the garden", "mode": "pro", "seconds": 5}

    def check_finished_once(self, run, gateway):
        self.assertEqual(run.returncode, 0, run.stderr[-2000:])
        task = json.loads(run.stdout)
        self.assertEqual(task["status"], "completed")
        self.assertTrue(task["videos"][0]["url"].startswith(gateway.url))
        stats = gateway.stats()
        self.assertEqual(stats["tasks_created"], 1, stats["log"])
        self.assertNotIn(gateway.key, run.stdout + run.stderr)
        self.assertIn("Bearer [REDACTED]", run.stderr)  # --verbose shows the header, not the key
        return stats

    def test_each_fault_alone(self):
        for fault in ("rate_limit:creates:2", "drop_after_create:creates", "slow=3000:creates",
                      "server_error:polls:every=2", "not_json:polls:2", "not_json:creates", "drop:creates",
                      "server_error=503:creates:2"):
            with self.subTest(fault=fault), FakeGateway(fault) as gateway:
                self.check_finished_once(create_and_wait(gateway, self.body), gateway)

    def test_all_faults_together(self):
        with FakeGateway("rate_limit:creates:1", "drop_after_create:creates:1", "slow=2500:polls:1",
                         "server_error:polls:every=2", "not_json:polls:1") as gateway:
            stats = self.check_finished_once(create_and_wait(gateway, self.body), gateway)
            faults = {entry["fault"] for entry in stats["log"] if entry["fault"]}
            self.assertTrue({"rate_limit", "drop_after_create", "server_error"} <= faults, faults)

    def test_impossible_ends_cleanly(self):
        for fault, message in (("rate_limit=1102:creates", "provider code 1102"),
                               ("server_error:creates:every=1", "HTTP 502")):
            with self.subTest(fault=fault), FakeGateway(fault) as gateway:
                run = create_and_wait(gateway, self.body)
                self.assertEqual(run.returncode, 1)
                self.assertEqual(run.stdout, "")
                self.assertIn(message, run.stderr)
                self.assertNotIn(gateway.key, run.stderr)
                self.assertEqual(gateway.stats()["tasks_created"], 0)

    def test_exactly_once_when_the_gateway_takes_duplicates_and_finds_late(self):
        # The worst the document allows: a repeated external_task_id is another paid task, a lookup
        # by it answers 404 for a second after the task was created, and the create's answer is
        # lost. The default lookup window waits it out: one task. Believing the first 404 pays twice.
        worst = ("--accept-duplicates", "--lookup-lag", "2", "--lookup-lag-seconds", "1")
        for fault in ("drop_after_create:creates", "error_after_create=503:creates", "slow_after_create=2500:creates"):
            with self.subTest(fault=fault), FakeGateway(fault, extra=worst) as gateway:
                run = create_and_wait(gateway, self.body, lookup_window="30")
                stats = self.check_finished_once(run, gateway)
                self.assertEqual(list(stats["tasks_per_external_task_id"].values()), [1])
                self.assertIn(fault.split(":")[0].split("=")[0], {e["fault"] for e in stats["log"]})
                lookups = [e for e in stats["log"] if e["method"] == "GET" and e["status"] == 404]
                self.assertGreaterEqual(len(lookups), 1, stats["log"])
        with FakeGateway("drop_after_create:creates", extra=worst) as gateway:
            run = create_and_wait(gateway, self.body, lookup_window="0")
            self.assertEqual(run.returncode, 0, run.stderr[-2000:])
            self.assertEqual(list(gateway.stats()["tasks_per_external_task_id"].values()), [2])

    def test_lookup_window_is_checked(self):
        with FakeGateway() as gateway:
            for window in ("-1", "3601", "soon"):
                with self.subTest(window=window):
                    run = create_and_wait(gateway, self.body, lookup_window=window)
                    self.assertEqual(run.returncode, 2)
                    self.assertIn("--lookup-window", run.stderr)
            self.assertEqual(gateway.stats()["requests"], 0)
        for flags in (["--lookup-lag", "-1"], ["--lookup-lag", "many"], ["--lookup-lag-seconds", "0"],
                      ["--fault", "error_after_create=x:creates"], ["--fault", "slow_after_create=-5"]):
            with self.subTest(flags=flags):
                run = kling("serve", "--port", "0", *flags)
                self.assertEqual(run.returncode, 2)
                self.assertTrue(run.stderr.startswith("kling: "), run.stderr)

    def test_failed_task_exits_1(self):
        with FakeGateway() as gateway:
            run = create_and_wait(gateway, dict(self.body, prompt="[fail] a cat"))
            self.assertEqual(run.returncode, 1)
            self.assertIn("task_failed", run.stderr)

    def test_rule_broken_exits_3_without_sending(self):
        with FakeGateway() as gateway:
            run = create_and_wait(gateway, dict(self.body, seconds=7))
            self.assertEqual(run.returncode, 3)
            self.assertIn("[T-3] /seconds", run.stderr)
            self.assertEqual(gateway.stats()["requests"], 0)


class CommandsTest(unittest.TestCase):
    def test_create_prints_the_warnings_of_its_own_validation(self):
        with FakeGateway() as gateway:
            body = {"model": "Kling-V2.6", "prompt": "a cat", "mode": "pro", "cfg_scale": 0.5,
                    "image": "https://example.com/cat.png"}
            run = kling("--base-url", gateway.url, "--api-key", gateway.key, "create", "-",
                        stdin=json.dumps(body))
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertIn("warning [I-5] /cfg_scale", run.stderr)
            self.assertEqual(run.stderr.count("warning ["), 1)  # validated once, printed once
            clean = kling("--base-url", gateway.url, "--api-key", gateway.key, "create", "-",
                          stdin=json.dumps({"model": "Kling-V2.6", "prompt": "a cat"}))
            self.assertEqual(clean.returncode, 0, clean.stderr)
            self.assertNotIn("warning [", clean.stderr)

    def test_get_wait_download_and_elements(self):
        with FakeGateway() as gateway, tempfile.TemporaryDirectory() as tmp:
            common = ["--base-url", gateway.url, "--api-key", gateway.key, "--poll-interval", "0.05"]
            created = kling(*common, "create", str(FIXTURES / "requests" / "o1_text_to_video.json"))
            self.assertEqual(created.returncode, 0, created.stderr)
            task = json.loads(created.stdout)
            self.assertEqual(task["status"], "pending")
            got = kling(*common, "get", task["external_task_id"])
            self.assertEqual(json.loads(got.stdout)["id"], task["id"])
            not_yet = kling(*common, "download", task["id"], tmp + "/early.mp4")
            self.assertEqual(not_yet.returncode, 1)
            waited = kling(*common, "wait", task["id"])
            self.assertEqual(json.loads(waited.stdout)["status"], "completed")
            # A finished task named by its ID is polled at once: with an hour between polls, a
            # wait that first slept an interval would outlast the subprocess timeout.
            patient = ["--base-url", gateway.url, "--api-key", gateway.key, "--poll-interval", "3600"]
            again = kling(*patient, "wait", task["id"])
            self.assertEqual(json.loads(again.stdout)["status"], "completed", again.stderr)
            saved = kling(*common, "download", task["id"], tmp + "/v.mp4")
            self.assertEqual(saved.returncode, 0, saved.stderr)
            self.assertGreater(pathlib.Path(tmp, "v.mp4").stat().st_size, 1000)
            self.assertFalse(pathlib.Path(tmp, "v.mp4.part").exists())

            made = kling(*common, "elements", "create", str(FIXTURES / "requests" / "element_create.json"))
            self.assertEqual(made.returncode, 0, made.stderr)
            element_id = json.loads(made.stdout)["data"]["element_id"]
            self.assertEqual(element_id, 842130978230767622)
            listed = json.loads(kling(*common, "elements", "list", "--page", "1", "--size", "10").stdout)
            self.assertEqual(len(listed["data"]), 1)
            self.assertEqual(len(json.loads(kling(*common, "elements", "presets").stdout)["data"]), 3)
            self.assertEqual(kling(*common, "elements", "delete", str(element_id)).returncode, 0)
            self.assertEqual(kling(*common, "elements", "delete", str(element_id)).returncode, 1)
            self.assertEqual(kling(*common, "elements", "list", "--page", "0").returncode, 3)

    def test_missing_key_and_unreachable_gateway(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_")}
        no_key = kling("--base-url", "http://127.0.0.1:9", "get", "t", env=env)
        self.assertEqual(no_key.returncode, 2)
        self.assertIn("no API key", no_key.stderr)
        down = kling("--base-url", "http://127.0.0.1:9", "--api-key", "k-1234", "get", "t", env=env)
        self.assertEqual(down.returncode, 1)
        self.assertIn("could not connect", down.stderr)


class KilledDownloadTest(unittest.TestCase):
    """A `kling download` killed (SIGKILL) in the middle of the transfer leaves no file under the
    target name and a resumable PATH.part; the next run asks only for the rest (Range) and ends
    with the complete video."""

    def test_kill_during_download_then_resume(self):
        # The first download trickles (1 KiB every 25 ms), so it can be killed half-way.
        with FakeGateway("trickle=25:downloads") as gateway, tempfile.TemporaryDirectory() as tmp:
            common = ["--base-url", gateway.url, "--api-key", gateway.key, "--poll-interval", "0.05"]
            made = create_and_wait(gateway, HostileGatewayTest.body)
            self.assertEqual(made.returncode, 0, made.stderr)
            task = json.loads(made.stdout)
            target = pathlib.Path(tmp, "cut.mp4")
            part = pathlib.Path(tmp, "cut.mp4.part")
            downloading = subprocess.Popen([KLING, *common, "download", task["id"], str(target)],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not (part.exists() and part.stat().st_size >= 8 * 1024):
                time.sleep(0.01)
            downloading.kill()
            downloading.wait(timeout=10)
            self.assertEqual(downloading.returncode, -9, "the download ended before it could be killed")
            self.assertFalse(target.exists(), "a killed download left a file under the target name")
            kept = part.stat().st_size
            self.assertGreaterEqual(kept, 8 * 1024)

            resumed = kling(*common, "download", task["id"], str(target))
            self.assertEqual(resumed.returncode, 0, resumed.stderr)
            self.assertFalse(part.exists())
            fresh = kling(*common, "download", task["id"], str(pathlib.Path(tmp, "fresh.mp4")))
            self.assertEqual(fresh.returncode, 0, fresh.stderr)
            whole = pathlib.Path(tmp, "fresh.mp4").read_bytes()
            self.assertGreater(len(whole), kept)
            self.assertEqual(target.read_bytes(), whole)
            statuses = [e["status"] for e in gateway.stats()["log"] if "/files/" in e["path"]]
            self.assertIn(206, statuses, "the second run did not ask for the rest only")

    def test_answers_written_in_pieces(self):
        # Every answer of the gateway arrives in 1 KiB pieces, 2 ms apart.
        with FakeGateway("trickle=2:any:every=1") as gateway, tempfile.TemporaryDirectory() as tmp:
            made = kling("--base-url", gateway.url, "--api-key", gateway.key, "--poll-interval", "0.05",
                         "create", "-", "--wait", "--download", tmp + "/v.mp4",
                         stdin=json.dumps(HostileGatewayTest.body))
            self.assertEqual(made.returncode, 0, made.stderr)
            self.assertGreater(len(gateway.stats()["log"]), 3)
            self.assertTrue(all(e["fault"] == "trickle" for e in gateway.stats()["log"]), gateway.stats()["log"])
            self.assertEqual(json.loads(made.stdout)["status"], "completed")
            self.assertEqual(pathlib.Path(tmp, "v.mp4").read_bytes()[4:8], b"ftyp")


def batch_manifest(count, fail=()):
    lines = []
    for i in range(count):
        prompt = ("[fail] " if i in fail else "") + f"shot {i}: a cat in the garden"
        lines.append(json.dumps({"name": f"shot-{i}", "request": dict(HostileGatewayTest.body, prompt=prompt)}))
    return "\n".join(lines) + "\n"


def stop_process(process):
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


class BatchTest(unittest.TestCase):
    """kling batch: every line checked before anything is sent; a journal that makes a batch killed
    at any moment (kill -9) finish on the next run with each task created once and every file whole."""

    fast = ["--poll-interval", "0.02", "--timeout", "2", "--lookup-window", "0.5"]

    def batch_args(self, gateway, manifest, out, *extra):
        return [KLING, "--base-url", gateway.url, "--api-key", gateway.key, *self.fast, "batch", str(manifest),
                "--out", str(out), "--concurrency", "16", "--concurrency-backoff", "0.05", *extra]

    def run_batch(self, gateway, manifest, out, *extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_")}
        return subprocess.run(self.batch_args(gateway, manifest, out, *extra), capture_output=True, text=True,
                              env=env, timeout=120)

    @staticmethod
    def journal(out):
        lines = pathlib.Path(out, ".kling-batch.jsonl").read_text().split("\n")
        records, torn = [], 0
        for line in lines:
            if not line:
                continue
            try:
                records.append(json.loads(line))
            except ValueError:
                torn += 1
        return records, torn

    @staticmethod
    def reference_video(gateway):
        # The gateway serves one video for every task; downloads may be cut (a fault): read it whole.
        for _ in range(50):
            try:
                with urllib.request.urlopen(gateway.url + "/files/reference.mp4", timeout=10) as r:
                    return r.read()
            except Exception:  # cut in half by an injected fault
                continue
        raise AssertionError("the reference video could not be read whole")

    def check_consistent(self, gateway, out, names):
        """Each name created once, downloaded whole, and the journal agrees with the gateway."""
        stats = gateway.stats()
        self.assertEqual(stats["tasks_created"], len(names))
        self.assertEqual(sorted(stats["tasks_per_external_task_id"].values()), [1] * len(names))
        video = self.reference_video(gateway)
        self.assertGreater(len(video), 1000)
        for name in names:
            self.assertEqual(pathlib.Path(out, name + ".mp4").read_bytes(), video, name)
        self.assertEqual([p.name for p in pathlib.Path(out).iterdir() if ".part" in p.name], [])
        records, _ = self.journal(out)
        self.assertEqual(records[0]["event"], "batch")
        external, task = {}, {}
        last = {}
        for r in records[1:]:
            last[r["name"]] = r["event"]
            if r["event"] == "intent":
                self.assertEqual(external.setdefault(r["name"], r["external_task_id"]), r["external_task_id"])
            if r["event"] == "created":
                self.assertEqual(task.setdefault(r["name"], r["task_id"]), r["task_id"])
        self.assertEqual(set(last), set(names))
        self.assertEqual(set(last.values()), {"downloaded"})
        self.assertEqual(sorted(external.values()), sorted(stats["tasks_per_external_task_id"]))
        self.assertEqual(sorted(task.values()), sorted(t["id"] for t in stats["tasks"]))

    def test_broken_lines_send_nothing(self):
        lines = [
            json.dumps(HostileGatewayTest.body),                                            # 1 fine, named "1"
            "not json",                                                                      # 2 BATCH-1
            json.dumps({"name": "../escape", "request": HostileGatewayTest.body}),           # 3 BATCH-3
            json.dumps({"name": "a", "request": HostileGatewayTest.body}),                   # 4 fine
            json.dumps({"name": "a", "request": HostileGatewayTest.body}),                   # 5 BATCH-4
            json.dumps({"name": "b", "request": dict(HostileGatewayTest.body, seconds=7)}),  # 6 T-3
            json.dumps({"name": "c", "request": HostileGatewayTest.body, "extra": 1}),       # 7 BATCH-2
            "",                                                                              # 8 blank: skipped
            "[1, 2]",                                                                        # 9 BATCH-1
        ]
        expected = [(2, "BATCH-1", ""), (3, "BATCH-3", "/name"), (5, "BATCH-4", "/name"),
                    (6, "T-3", "/request/seconds"), (7, "BATCH-2", "/extra"), (9, "BATCH-1", "")]
        with FakeGateway() as gateway, tempfile.TemporaryDirectory() as tmp:
            manifest = pathlib.Path(tmp, "m.jsonl")
            manifest.write_text("\n".join(lines) + "\n")
            for extra in ((), ("--dry-run",)):
                with self.subTest(extra=extra):
                    run = self.run_batch(gateway, manifest, pathlib.Path(tmp, "out"), *extra)
                    self.assertEqual(run.returncode, 3, run.stderr)
                    report = json.loads(run.stdout)
                    self.assertIs(report["valid"], False)
                    found = [(v["line"], v["rule"], v["field"]) for v in report["violations"]]
                    self.assertEqual(found, expected)
                    for line, rule, field in expected:
                        self.assertIn(f"line {line}: [{rule}] {field}", run.stderr)
                    self.assertIn("nothing was sent", run.stderr)
            self.assertEqual(gateway.stats()["requests"], 0)
            self.assertFalse(pathlib.Path(tmp, "out").exists())
            # The same manifest without its broken lines is valid.
            manifest.write_text("\n".join(lines[i] for i in (0, 3, 7)) + "\n")
            dry = self.run_batch(gateway, manifest, pathlib.Path(tmp, "out"), "--dry-run")
            self.assertEqual(dry.returncode, 0, dry.stderr)
            self.assertEqual(json.loads(dry.stdout), {"valid": True, "items": 2, "violations": []})
            self.assertEqual(gateway.stats()["requests"], 0)
            for bad in (["--shard", "0/2"], ["--shard", "3/2"], ["--shard", "x"], ["--concurrency", "0"]):
                with self.subTest(bad=bad):
                    self.assertEqual(self.run_batch(gateway, manifest, pathlib.Path(tmp, "out"), *bad).returncode, 2)

    def test_readme_manifest_is_valid(self):
        readme = (FIXTURES.parent.parent / "README.md").read_text(encoding="utf-8")
        block = readme.split("```jsonl\n", 1)[1].split("```", 1)[0]
        run = kling("batch", "-", "--dry-run", stdin=block)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertEqual(json.loads(run.stdout), {"valid": True, "items": 3, "violations": []})
        broken = kling("batch", "-", "--dry-run", stdin=block.replace('"seconds": 5', '"seconds": 7', 1))
        self.assertEqual(broken.returncode, 3)
        self.assertEqual([(v["line"], v["field"]) for v in json.loads(broken.stdout)["violations"]],
                         [(1, "/request/seconds")])

    def test_shards_split_one_manifest(self):
        with FakeGateway() as gateway, tempfile.TemporaryDirectory() as tmp:
            manifest = pathlib.Path(tmp, "m.jsonl")
            manifest.write_text(batch_manifest(7))
            files = []
            for k in (1, 2, 3):
                run = self.run_batch(gateway, manifest, pathlib.Path(tmp, f"out{k}"), "--shard", f"{k}/3")
                self.assertEqual(run.returncode, 0, run.stderr[-2000:])
                summary = json.loads(run.stdout)
                self.assertEqual(list(summary), ["total", "completed", "failed", "files", "failures"])
                names = [pathlib.Path(f).stem for f in summary["files"]]
                self.assertEqual(names, [f"shot-{i}" for i in range(7) if i % 3 == k - 1])
                self.assertTrue(pathlib.Path(tmp, f"out{k}", ".kling-batch.jsonl").exists())
                files += names
            self.assertEqual(sorted(files), sorted(f"shot-{i}" for i in range(7)))
            self.assertEqual(gateway.stats()["tasks_created"], 7)
            # Run again: everything is in the journal, nothing is sent.
            before = gateway.stats()["requests"]
            again = self.run_batch(gateway, manifest, pathlib.Path(tmp, "out1"), "--shard", "1/3")
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertEqual(json.loads(again.stdout)["completed"], 3)
            self.assertEqual(gateway.stats()["requests"], before)

    def test_a_failed_task_is_reported_and_not_paid_again(self):
        with FakeGateway() as gateway, tempfile.TemporaryDirectory() as tmp:
            manifest = pathlib.Path(tmp, "m.jsonl")
            manifest.write_text(batch_manifest(3, fail={1}))
            for attempt in range(2):
                run = self.run_batch(gateway, manifest, pathlib.Path(tmp, "out"))
                self.assertEqual(run.returncode, 1, run.stderr)
                summary = json.loads(run.stdout)
                self.assertEqual((summary["total"], summary["completed"], summary["failed"]), (3, 2, 1))
                self.assertEqual(summary["failures"][0]["name"], "shot-1")
                self.assertIn("failed", summary["failures"][0]["error"])
                self.assertEqual(gateway.stats()["tasks_created"], 3)

    def test_a_create_that_may_have_been_sent_is_looked_up_never_posted_blind(self):
        # A journal left by a crash: "a" and "b" were announced, then the process died. "b"'s create
        # had reached the gateway, "a"'s had not. The gateway takes duplicates and finds a task by its
        # external_task_id only from its third lookup: "b" is found (no second post), "a" is posted
        # once the lookup window has passed with nothing but 404s.
        worst = ("--accept-duplicates", "--lookup-lag", "2")
        with FakeGateway(extra=worst) as gateway, tempfile.TemporaryDirectory() as tmp:
            manifest = pathlib.Path(tmp, "m.jsonl")
            manifest.write_text(json.dumps({"name": "a", "request": HostileGatewayTest.body}) + "\n" +
                                json.dumps({"name": "b", "request": HostileGatewayTest.body}) + "\n")
            out = pathlib.Path(tmp, "out")
            out.mkdir()
            headers = {"Authorization": "Bearer " + gateway.key, "Content-Type": "application/json"}
            body = json.dumps(dict(HostileGatewayTest.body, seconds="5", external_task_id="ext-b")).encode()
            urllib.request.urlopen(urllib.request.Request(gateway.url + "/v1/videos", body, headers), timeout=10)
            pathlib.Path(out, ".kling-batch.jsonl").write_text(
                '{"event":"batch","batch_id":"0123456789abcdef"}\n'
                '{"event":"intent","name":"a","external_task_id":"ext-a"}\n'
                '{"event":"intent","name":"b","external_task_id":"ext-b"}\n'
                '{"event":"created","name":"b"')  # cut short by the crash
            run = self.run_batch(gateway, manifest, out)
            self.assertEqual(run.returncode, 0, run.stderr[-2000:])
            self.assertIn("cut short", run.stderr)
            stats = gateway.stats()
            self.assertEqual(stats["tasks_per_external_task_id"], {"ext-a": 1, "ext-b": 1})
            posts = [e for e in stats["log"] if e["method"] == "POST"]
            self.assertEqual(len(posts), 2, stats["log"])  # the one made here for "b", and "a"'s
            a_log = [(e["method"], e["status"]) for e in stats["log"] if e["path"].endswith("/ext-a") or
                     e["method"] == "POST"][1:]
            lookups_before_post = a_log.index(("POST", 200)) if ("POST", 200) in a_log else -1
            self.assertGreaterEqual(lookups_before_post, 3, stats["log"])  # 404s over the window first
            self.assertTrue(all(m == "GET" and status == 404 for m, status in a_log[:lookups_before_post]))
            self.check_consistent(gateway, out, ["a", "b"])

    def test_interrupt_stops_creates_and_the_next_run_resumes(self):
        with FakeGateway() as gateway, tempfile.TemporaryDirectory() as tmp:
            manifest = pathlib.Path(tmp, "m.jsonl")
            manifest.write_text(batch_manifest(60))
            out = pathlib.Path(tmp, "out")
            env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_")}
            running = subprocess.Popen(self.batch_args(gateway, manifest, out, "--concurrency", "4"),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            self.addCleanup(stop_process, running)
            journal = pathlib.Path(out, ".kling-batch.jsonl")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and (
                    not journal.exists() or journal.read_text().count('"downloaded"') < 3):
                time.sleep(0.01)
            running.send_signal(signal.SIGINT)
            stdout, stderr = running.communicate(timeout=30)
            self.assertEqual(running.returncode, 130, stderr[-2000:])
            self.assertEqual(stdout, "")
            self.assertIn("run the same command again", stderr)
            records, torn = self.journal(out)
            self.assertEqual(torn, 0)
            self.assertLess(gateway.stats()["tasks_created"], 60)
            finished = self.run_batch(gateway, manifest, out)
            self.assertEqual(finished.returncode, 0, finished.stderr[-2000:])
            self.assertEqual(json.loads(finished.stdout)["completed"], 60)
            self.check_consistent(gateway, out, [f"shot-{i}" for i in range(60)])

    def test_killed_three_times_then_run_to_the_end(self):
        # A hostile gateway (lost create answers, 429s with and without 1303, 5xx, downloads cut in
        # half, duplicates accepted, lookups late) and kill -9 at three random moments, one of them
        # while a video is half downloaded.
        seed = random.randrange(1 << 30)
        rng = random.Random(seed)
        faults = ("drop_after_create:creates:rate=0.05", "error_after_create=503:creates:rate=0.03",
                  "rate_limit=1303:creates:rate=0.05", "rate_limit:creates:rate=0.03", "drop:creates:rate=0.03",
                  "server_error=503:polls:rate=0.05", "rate_limit:polls:rate=0.02",
                  "truncate:downloads:rate=0.1")
        count = 200
        # The lookup window (1 s) outlasts the time a task stays unfound (0.3 s): the assumption
        # of exactly-once creation (README). A lag counted in lookups instead (--lookup-lag N) defeats any
        # window when a 429's Retry-After holds the lookups back past it.
        with FakeGateway(*faults, extra=("--accept-duplicates", "--lookup-lag-seconds", "0.3")) as gateway, \
                tempfile.TemporaryDirectory() as tmp:
            manifest = pathlib.Path(tmp, "m.jsonl")
            manifest.write_text(batch_manifest(count))
            out = pathlib.Path(tmp, "out")
            env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_")}
            started = time.monotonic()
            journal = pathlib.Path(out, ".kling-batch.jsonl")

            def downloaded():
                return journal.read_text().count('"event":"downloaded"') if journal.exists() else 0

            def parts():  # name -> size of each half-downloaded video
                sizes = {}
                for part in out.glob("*.mp4.part") if out.exists() else ():
                    try:
                        sizes[part.name] = part.stat().st_size
                    except FileNotFoundError:  # complete, and renamed in the meantime
                        pass
                return sizes

            for kill in range(3):
                # Moments picked by progress, so that no run can finish before its kill: after a random
                # number of further videos (then a random pause), or while a download is under way.
                before, target = parts(), downloaded() + rng.randint(5, 40)
                running = subprocess.Popen(self.batch_args(gateway, manifest, out, "--lookup-window", "1"),
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
                self.addCleanup(stop_process, running)  # should the test fail before its kill
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and running.poll() is None:
                    if kill == 1:  # in the middle of a download: a .part that is new or growing
                        now = parts()
                        if any(before.get(name) != size for name, size in now.items()):
                            break
                    elif downloaded() >= target:
                        time.sleep(rng.uniform(0, 0.05))
                        break
                    time.sleep(0.001)
                running.kill()
                running.wait(timeout=10)
                self.assertEqual(running.returncode, -9, f"seed {seed}: the batch ended before kill {kill}")
            self.assertLess(downloaded(), count)
            finished = self.run_batch(gateway, manifest, out, "--lookup-window", "1")
            seconds = time.monotonic() - started
            self.assertEqual(finished.returncode, 0, f"seed {seed}: " + finished.stderr[-3000:])
            summary = json.loads(finished.stdout)
            self.assertEqual((summary["total"], summary["completed"], summary["failed"]), (count, count, 0))
            self.assertEqual(len(summary["files"]), count)
            self.check_consistent(gateway, out, [f"shot-{i}" for i in range(count)])
            _, torn = self.journal(out)
            self.assertLessEqual(torn, 3)
            faults_seen = {e["fault"] for e in gateway.stats()["log"] if e["fault"]}
            self.assertTrue({"drop_after_create", "rate_limit", "server_error", "truncate"} <= faults_seen, faults_seen)
            print(f"\nbatch: {count} items, killed 3 times (seed {seed}), done in {seconds:.1f} s", file=sys.stderr)


class DemoTest(unittest.TestCase):
    """kling demo: the README's main job, offline and against a gateway named by the environment."""

    def check_tour(self, run, out):
        self.assertEqual(run.returncode, 0, run.stderr[-2000:])
        paths = run.stdout.split()
        self.assertEqual(len(paths), 2, run.stdout)
        for path in paths:
            self.assertTrue(path.startswith(out), path)
            with open(path, "rb") as video:
                self.assertEqual(video.read(8)[4:8], b"ftyp")
        self.assertNotIn(".part", " ".join(os.listdir(out)))

    def test_offline_tour_with_only_a_key_set(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_")}
        env["KLING_API_KEY"] = "k-only-a-key"
        with tempfile.TemporaryDirectory() as out:
            run = kling("demo", "--out", out, env=env)
            self.check_tour(run, out)
            self.assertIn("an API key is set but no base URL, so this runs offline", run.stderr)
            self.assertNotIn("k-only-a-key", run.stdout + run.stderr)

    def test_tour_against_the_gateway_in_the_environment(self):
        with FakeGateway() as gateway, tempfile.TemporaryDirectory() as out:
            env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_")}
            env.update(KLING_BASE_URL=gateway.url, KLING_API_KEY=gateway.key)
            run = kling("--poll-interval", "0.05", "demo", "--out", out, env=env)
            self.check_tour(run, out)
            self.assertIn("using the gateway at " + gateway.url, run.stderr)
            self.assertEqual(gateway.stats()["tasks_created"], 2)
            self.assertNotIn(gateway.key, run.stdout + run.stderr)


class EchoingServer:
    """A gateway gone bad: every answer repeats the Authorization header it was sent, in bodies,
    headers, task fields, error pages and redirect URLs."""

    def __init__(self):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body, content_type="application/json", headers=()):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-Echo", self.headers.get("Authorization", ""))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                auth = self.headers.get("Authorization", "")
                echo = json.dumps(auth)
                path = self.path
                if path.startswith("/v1/videos/"):
                    which = path.split("/")[3].split("?")[0]
                    if which == "s401":
                        return self.answer(401, '{"message":"invalid key %s","request_id":%s}' % (auth, echo))
                    if which == "s500":
                        return self.answer(500, "<html>%s</html>" % auth, "text/html")
                    if which == "s429":
                        return self.answer(429, '{"code":"1102","message":%s}' % echo)
                    if which == "junk":
                        return self.answer(200, "not json " + auth, "text/plain")
                    if which == "failed":
                        return self.answer(200, '{"id":"failed","status":"failed","error_message":%s}' % echo)
                    video = "%s/video/%s?token=%s" % (outer.url, outer.key, outer.key)
                    return self.answer(200, json.dumps({"id": which, "status": "completed", "message": auth,
                                                        "video_url": video, "videos": [{"url": video}]}))
                if path.startswith("/video/"):
                    return self.answer(302, "", headers=[("Location", "/file/%s.mp4" % outer.key)])
                if path.startswith("/file/"):
                    return self.answer(200, b"\0\0\0\x18ftypisom" + auth.encode(), "video/mp4")
                if path.startswith("/v1/elements/custom"):
                    return self.answer(200, json.dumps({"code": 0, "message": auth, "data": [
                        {"element_id": 1, "element_name": auth, "element_description": auth}]}))
                return self.answer(401, '{"error":{"message":%s}}' % echo)

            def do_POST(self):
                auth = self.headers.get("Authorization", "")
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path.startswith("/v1/videos"):
                    return self.answer(200, json.dumps({"id": "t_" + auth, "status": "pending", "message": auth}))
                if self.path.startswith("/v1/elements/delete"):
                    return self.answer(200, json.dumps({"code": 1200, "message": "bad " + auth}))
                return self.answer(500, "oops " + auth, "text/plain")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.key = None
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class SecretsTest(unittest.TestCase):
    """Every subcommand, with --verbose, on its passing and failing paths, against the fake gateway
    and against a server that echoes the key back: the key never appears in what the tool prints."""

    KEY = "sk-LEAKCHECK-7d1e9b3a55c0"
    WRONG = "sk-WRONGKEY-41c8e2f09a6b"

    def setUp(self):
        self.outputs = []

    def run_kling(self, *args, key=None, env_key=None, base_url=None, stdin=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLING_")}
        if env_key:
            env["KLING_API_KEY"] = env_key
        if base_url and key is None and env_key:
            env["KLING_BASE_URL"] = base_url
        common = ["--verbose", "--poll-interval", "0.05", "--timeout", "2"]
        if base_url and not (key is None and env_key):
            common += ["--base-url", base_url]
        if key:
            common += ["--api-key", key]
        run = kling(*common, *args, stdin=stdin, env=env)
        self.outputs.append((args, run.returncode, run.stdout + run.stderr))
        return run

    def assert_no_key(self, *extra_texts):
        self.assertGreater(len(self.outputs), 0)
        for args, code, text in self.outputs:
            for secret in (self.KEY, self.WRONG):
                self.assertNotIn(secret, text, "kling %s (exit %d) printed the key:\n%s" % (args, code, text[-3000:]))
        for text in extra_texts:
            for secret in (self.KEY, self.WRONG):
                self.assertNotIn(secret, text)

    def test_every_command_against_the_fake_gateway(self):
        requests = FIXTURES / "requests"
        with FakeGateway(extra=("--api-key", self.KEY)) as gateway, tempfile.TemporaryDirectory() as tmp:
            url = gateway.url
            self.assertEqual(self.run_kling("validate", str(requests / "t2v_basic.json"), key=self.KEY).returncode, 0)
            self.assertEqual(self.run_kling("validate", "-", key=self.KEY, stdin='{"prompt": 1}').returncode, 3)
            created = self.run_kling("create", str(requests / "o1_text_to_video.json"), key=self.KEY, base_url=url)
            self.assertEqual(created.returncode, 0, created.stderr)
            task = json.loads(created.stdout)
            self.assertEqual(self.run_kling("get", task["id"], key=self.KEY, base_url=url).returncode, 0)
            self.assertEqual(self.run_kling("get", task["id"], "--provider", "kling", key=self.KEY,
                                            base_url=url).returncode, 0)
            self.assertEqual(self.run_kling("download", task["id"], tmp + "/early.mp4", key=self.KEY,
                                            base_url=url).returncode, 1)
            self.assertEqual(self.run_kling("wait", task["id"], key=self.KEY, base_url=url).returncode, 0)
            self.assertEqual(self.run_kling("download", task["id"], tmp + "/v.mp4", key=self.KEY,
                                            base_url=url).returncode, 0)
            waited = self.run_kling("create", "-", "--wait", "--download", tmp + "/w.mp4", key=self.KEY,
                                    base_url=url, stdin=json.dumps(HostileGatewayTest.body))
            self.assertEqual(waited.returncode, 0, waited.stderr)
            made = self.run_kling("elements", "create", str(requests / "element_create.json"), key=self.KEY,
                                  base_url=url)
            self.assertEqual(made.returncode, 0, made.stderr)
            element_id = str(json.loads(made.stdout)["data"]["element_id"])
            self.assertEqual(self.run_kling("elements", "list", key=self.KEY, base_url=url).returncode, 0)
            self.assertEqual(self.run_kling("elements", "presets", key=self.KEY, base_url=url).returncode, 0)
            self.assertEqual(self.run_kling("elements", "delete", element_id, key=self.KEY, base_url=url).returncode, 0)
            self.assertEqual(self.run_kling("elements", "delete", element_id, key=self.KEY, base_url=url).returncode, 1)
            # Failing paths: a wrong key, a key in the environment, a broken request, no gateway.
            self.assertEqual(self.run_kling("get", task["id"], key=self.WRONG, base_url=url).returncode, 1)
            self.assertEqual(self.run_kling("elements", "list", key=self.WRONG, base_url=url).returncode, 1)
            self.assertEqual(self.run_kling("get", task["id"], env_key=self.KEY, base_url=url).returncode, 0)
            self.assertEqual(self.run_kling("create", "-", key=self.KEY, base_url=url,
                                            stdin='{"model":"Kling-V2.6","prompt":"a","seconds":7}').returncode, 3)
            self.assertEqual(self.run_kling("get", "t", key=self.KEY, base_url="http://127.0.0.1:9").returncode, 1)
            self.assertEqual(self.run_kling("get", "t", key=self.KEY + "\r\nX: y", base_url=url).returncode, 2)
            with tempfile.TemporaryDirectory() as out:
                demo = self.run_kling("demo", "--out", out, env_key=self.KEY, base_url=url)
                self.assertEqual(demo.returncode, 0, demo.stderr[-2000:])
            with tempfile.TemporaryDirectory() as out:
                self.assertEqual(self.run_kling("demo", "--out", out, env_key=self.KEY).returncode, 0)
        self.assert_no_key(gateway.log)
        self.assertIn("Bearer [REDACTED]", "".join(text for _, _, text in self.outputs))

    def test_faults_of_the_fake_gateway(self):
        with FakeGateway("rate_limit:creates:1", "drop_after_create:creates:1", "server_error:polls:every=2",
                         "not_json:polls:1", extra=("--api-key", self.KEY)) as gateway:
            run = self.run_kling("create", "-", "--wait", key=self.KEY, base_url=gateway.url,
                                 stdin=json.dumps(HostileGatewayTest.body))
            self.assertEqual(run.returncode, 0, run.stderr[-2000:])
        with FakeGateway("rate_limit=1102:creates", extra=("--api-key", self.KEY)) as refusing:
            run = self.run_kling("create", "-", "--wait", key=self.KEY, base_url=refusing.url,
                                 stdin=json.dumps(HostileGatewayTest.body))
            self.assertEqual(run.returncode, 1)
        self.assert_no_key(gateway.log, refusing.log)

    def test_a_server_that_echoes_the_key(self):
        with EchoingServer() as server, tempfile.TemporaryDirectory() as tmp:
            server.key = self.KEY
            for which, code in (("s401", 1), ("s500", 1), ("s429", 1), ("junk", 1), ("failed", 0), ("done", 0)):
                with self.subTest(which=which):
                    self.assertEqual(self.run_kling("get", which, key=self.KEY, base_url=server.url).returncode, code)
            self.assertEqual(self.run_kling("wait", "failed", key=self.KEY, base_url=server.url).returncode, 1)
            self.assertEqual(self.run_kling("wait", "done", key=self.KEY, base_url=server.url).returncode, 0)
            self.assertEqual(self.run_kling("download", "done", tmp + "/v.mp4", key=self.KEY,
                                            base_url=server.url).returncode, 0)
            self.assertEqual(self.run_kling("create", str(FIXTURES / "requests" / "t2v_basic.json"), key=self.KEY,
                                            base_url=server.url).returncode, 0)
            for args in (("elements", "list"), ("elements", "presets"),
                         ("elements", "create", str(FIXTURES / "requests" / "element_create.json")),
                         ("elements", "delete", "42")):
                with self.subTest(args=args):
                    self.run_kling(*args, key=self.KEY, base_url=server.url)
        self.assertTrue(any(code != 0 for _, code, _ in self.outputs))
        self.assert_no_key()


class GenericClientTest(unittest.TestCase):
    def test_documented_contract_only(self):
        """A client that knows only the documented contract reaches a completed task with a video_url."""
        with FakeGateway() as gateway:
            headers = {"Authorization": "Bearer " + gateway.key, "Content-Type": "application/json"}
            body = json.dumps({"model": "Kling-V2.6", "prompt": "a cat", "seconds": "5"}).encode()
            with urllib.request.urlopen(urllib.request.Request(gateway.url + "/v1/videos", body, headers), timeout=10) as r:
                task = json.loads(r.read())
            self.assertEqual(task["status"], "pending")
            for _ in range(20):
                with urllib.request.urlopen(urllib.request.Request(gateway.url + "/v1/videos/" + task["id"],
                                                                   headers=headers), timeout=10) as r:
                    task = json.loads(r.read())
                if task["status"] == "completed":
                    break
                time.sleep(0.05)
            self.assertEqual(task["status"], "completed")
            with urllib.request.urlopen(task["video_url"], timeout=10) as r:
                self.assertEqual(r.read(8)[4:8], b"ftyp")


if __name__ == "__main__":
    KLING = sys.argv.pop(1)
    FIXTURES = pathlib.Path(sys.argv.pop(1))
    unittest.main(verbosity=1)
