"""Tests of the dataset tooling: `/usr/bin/python3 -m unittest discover -s training/dataset -p 'test_*.py'`."""
from __future__ import annotations

import ast
import itertools
import json
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import augment  # noqa: E402
import check  # noqa: E402
import review  # noqa: E402
from core import Ctx, render  # noqa: E402
from tokens import norm_tokens, shingles  # noqa: E402

SCHEMA = json.load(open(os.path.join(check.DATA, "schema.json")))


def rec(**kw):
    r = dict(id="x-000-v", label="vulnerable", cwes=["CWE-89"], code="a = 1\n", lines=[1], family="x",
             framework="flask", twin="x-000-s", hard_negative=False, author="t", reviewer="r", notes="",
             split="train", augmented_from=None)
    r.update(kw)
    return r


class SchemaValidator(unittest.TestCase):
    def test_table(self):
        cases = [
            (rec(), True),
            (rec(lines=[]), False),                       # vulnerable needs marked lines
            (rec(cwes=[]), False),                        # and a CWE
            (rec(label="safe", cwes=[], lines=[], twin=None), True),
            (rec(label="safe", cwes=["CWE-89"], lines=[], twin=None), False),
            (rec(framework="rails"), False),
            (rec(extra=1), False),
            (rec(lines=[0]), False),
            (rec(hard_negative=True), False),             # a vulnerable example is never a hard negative
            (rec(cwes=["89"]), False),
        ]
        for r, ok in cases:
            self.assertEqual(not check.validate(r, SCHEMA), ok, r)


class NearDuplicates(unittest.TestCase):
    def test_matches_brute_force(self):
        rng = random.Random(1)
        base = list(range(60))
        items = []
        for i in range(80):
            s = set(rng.sample(base, 40)) if i % 3 else set(base[:40]) - {rng.randrange(40)}
            items.append((f"i{i}", "a" if i % 2 else "b", s))
        got = {(min(a, b), max(a, b)) for a, b, _ in check.near_duplicates(items)}
        want = set()
        for (ia, ga, sa), (ib, gb, sb) in itertools.combinations(items, 2):
            if ga != gb and len(sa & sb) / len(sa | sb) >= check.NEAR:
                want.add((min(ia, ib), max(ia, ib)))
        self.assertTrue(want)
        self.assertEqual(got, want)

    def test_renaming_does_not_hide_a_copy(self):
        a = "def f(user):\n    q = 'SELECT * FROM t WHERE n = ' + user\n    cur.execute(q)\n    return cur.fetchall()\n"
        b = a.replace("user", "name").replace("q", "sql")
        sa, sb = shingles(norm_tokens(a)), shingles(norm_tokens(b))
        self.assertEqual(sa, sb)
        c = a.replace("cur.execute(q)", "os.system(q)")
        self.assertNotEqual(shingles(norm_tokens(c)), sa)


class Templates(unittest.TestCase):
    def test_render_strips_markers_and_numbers_lines(self):
        code, lines = render("a = 1\nb = f(a)  #@V\nc = 2  #@S\nd = 3\n", True)
        self.assertEqual(lines, [2, 3])
        self.assertNotIn("#@", code)
        self.assertEqual(render("x = 1  #@V\n", False)[1], [])

    def test_string_styles_build_the_same_string(self):
        for style in ["fstring", "percent", "format", "concat", "join"]:
            c = Ctx(rng=random.Random(3), style=style)
            expr = c.fmt("SELECT {} FROM t WHERE a = '{}' -- 100% {x}", "col", "val")
            got = eval(expr, {"col": "id", "val": "o'k"})
            self.assertEqual(got, "SELECT id FROM t WHERE a = 'o'k' -- 100% {x}", style)


class ShowRendersUngenerated(unittest.TestCase):
    def test_a_template_renders_as_the_generated_data(self):
        # show.py renders families that are not in data/*.jsonl yet; rendering a generated one
        # must give the very records the generator wrote, or reviewers would read other code.
        import show
        written = [r for r in check.load("train.jsonl") if r["family"] == "xss-streamlit-unsafe-allow-html"]
        got = show.rendered(lambda f: f.name == "xss-streamlit-unsafe-allow-html")
        self.assertTrue(written)
        self.assertEqual([(r["id"], r["code"], r["lines"]) for r in got],
                         [(r["id"], r["code"], r["lines"]) for r in written])


class Augmentation(unittest.TestCase):
    SRC = ("import os\n\n\ndef handle(path, mode):\n    full = os.path.join(BASE, path)\n"
           "    data = open(full, mode=mode).read()\n    return dict(size=len(data), path=full)\n\n\nBASE = '/srv'\n")

    def test_rename_keeps_attributes_keywords_and_imports(self):
        code, _, mapping = augment.t_rename(self.SRC, random.Random(0), {"path": "p2", "full": "whole", "mode": "m", "data": "blob"})
        ast.parse(code)
        # `path` and `mode` are also keyword-argument names in calls, so they are never renamed
        self.assertEqual(mapping, {"full": "whole", "data": "blob"})
        self.assertIn("whole = os.path.join(BASE, path)", code)
        self.assertIn("open(whole, mode=mode)", code)
        self.assertIn("dict(size=len(blob), path=whole)", code)
        ns1, ns2 = {}, {}
        exec(self.SRC.replace("open(full, mode=mode).read()", "full"), ns1)
        exec(code.replace("open(whole, mode=mode).read()", "whole"), ns2)
        self.assertEqual(ns1["handle"]("a", "r"), ns2["handle"]("a", "r"))

    def test_helper_moves_marked_statement_and_keeps_behaviour(self):
        src = "import math\n\n\ndef area(r):\n    a = math.pi * r * r\n    b = round(a, 2)\n    return b\n"
        code, lm, _ = augment.t_helper(src, random.Random(0), [6])
        ns1, ns2 = {}, {}
        exec(src, ns1)
        exec(code, ns2)
        self.assertEqual(ns1["area"](3), ns2["area"](3))
        self.assertIn("round(a, 2)", code.split("\n")[lm[6] - 1])

    def test_sink_check_rejects_a_lost_sink(self):
        self.assertTrue(augment.sink_ok("x = cur.execute(q)", [1], "x = cur.execute(q)", [1], None))
        self.assertFalse(augment.sink_ok("x = cur.execute(q)", [1], "x = run(q)", [1], None))


class CrossSplitFilter(unittest.TestCase):
    def test_a_late_train_family_loses_to_a_held_out_example(self):
        import generate
        code = "import os\n\n\ndef f(x):\n    return os.path.join('/srv/data', x, 'index.html')\n"
        held = dict(id="a-000-s", family="held", split="validation", code=code, twin=None)
        newer = dict(id="z-000-s", family="newer", split="train", code=code, twin=None)
        without_rule = []
        for recs in ([held, newer], [newer, held]):
            kept, _ = generate.drop_cross_split_near_duplicates(list(recs), frozenset({"newer"}))
            self.assertEqual([r["id"] for r in kept], ["a-000-s"])
            kept, _ = generate.drop_cross_split_near_duplicates(list(recs))
            without_rule += [r["id"] for r in kept]
        self.assertIn("z-000-s", without_rule)  # record order alone would have dropped the held-out one


class ShippedLabels(unittest.TestCase):
    def test_a_label_the_shipped_model_lacks_fails_and_shipped_ones_pass(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "manifest.json")
            with open(path, "w") as fh:
                json.dump({"labels": ["CWE-78", "CWE-89"]}, fh)
            recs = [{"id": "a", "cwes": ["CWE-78"]}, {"id": "b", "cwes": []}, {"id": "c", "cwes": ["CWE-1336"]}]
            msgs = check.unshipped_labels(recs, path)
            self.assertEqual(len(msgs), 1)
            self.assertIn("CWE-1336", msgs[0])
            self.assertIn("first c", msgs[0])
            self.assertEqual(check.unshipped_labels(recs[:2], path), [])
            self.assertEqual(check.unshipped_labels(recs, os.path.join(d, "absent.json")), [])


class Reviewer(unittest.TestCase):
    def test_second_weakness_is_flagged(self):
        code = "import subprocess\n\n\ndef fetch(url):\n    dest = \"/tmp/latest.bin\"\n    subprocess.call([\"curl\", \"-o\", dest, url])\n"
        v = rec(code=code, lines=[6], cwes=["CWE-77"])
        self.assertTrue(review.check_other_weaknesses(v, "CWE-77"))           # the /tmp line is CWE-377
        clean = rec(code=code.replace("/tmp/", "/var/lib/app/"), lines=[6], cwes=["CWE-77"])
        self.assertEqual(review.check_other_weaknesses(clean, "CWE-77"), [])
        own = rec(code="import tempfile\np = tempfile.mktemp()\n", lines=[2], cwes=["CWE-377"])
        self.assertEqual(review.check_other_weaknesses(own, "CWE-377"), [])

    def test_a_cwe_without_own_sink_patterns_uses_its_groups(self):
        code = "from lxml import etree\n\n\ndef load(data):\n    return etree.fromstring(data, etree.XMLParser(huge_tree=True))\n"
        self.assertEqual(review.check_vulnerable(rec(code=code, lines=[5], cwes=["CWE-776"])), [])
        self.assertTrue(review.check_vulnerable(rec(code=code, lines=[4], cwes=["CWE-776"])))
        self.assertEqual(review.check_vulnerable(rec(code="u = user.__dict__\n", lines=[1], cwes=["CWE-359"])), [])
        with self.assertRaisesRegex(KeyError, "add an entry to SINK"):
            review.check_vulnerable(rec(cwes=["CWE-9999"]))

    def test_alias_is_resolved_for_sinks(self):
        code = "from os import system as run\n\n\ndef go(host):\n    return run('ping ' + host)\n"
        self.assertEqual(review.check_vulnerable(rec(code=code, lines=[5], cwes=["CWE-78"])), [])
        self.assertTrue(review.check_vulnerable(rec(code=code, lines=[4], cwes=["CWE-78"])))

    def test_safe_code_with_bad_signature_is_flagged(self):
        safe = rec(label="safe", cwes=[], lines=[], code="import requests\nr = requests.get(u, verify=False)\n")
        self.assertTrue(review.check_safe(safe, "CWE-295"))
        ok = rec(label="safe", cwes=[], lines=[], code="import requests\nr = requests.get(u, verify=False)  # nosec\n")
        self.assertEqual(review.check_safe(ok, "CWE-295"), [])

    def test_exec_method_is_not_the_exec_builtin(self):
        orm = rec(code="def rows(session, stmt):\n    return session.exec(stmt).all()\n", lines=[1], cwes=["CWE-639"])
        self.assertEqual(review.check_other_weaknesses(orm, "CWE-639"), [])  # SQLModel's Session.exec
        builtin = rec(code="def run(src):\n    exec(src)\n    return 1\n", lines=[3], cwes=["CWE-639"])
        self.assertTrue(review.check_other_weaknesses(builtin, "CWE-639"))


if __name__ == "__main__":
    unittest.main()
