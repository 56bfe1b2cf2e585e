#!/usr/bin/env python3
"""Black-box tests of the kling tool: what it prints and its exit codes.

    python3 tests/cli/test_cli.py KLING_BINARY FIXTURES_DIR
"""
import json
import pathlib
import subprocess
import sys
import unittest

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


if __name__ == "__main__":
    KLING = sys.argv.pop(1)
    FIXTURES = pathlib.Path(sys.argv.pop(1))
    unittest.main(verbosity=1)
