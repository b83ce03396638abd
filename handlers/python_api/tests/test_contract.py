"""The Python handler against handlers/contract-cases.json, the cases the Node.js handler meets too.

Run from handlers/python_api, the task root: python3 -m unittest discover -s tests -t .
"""
import base64
import json
import os
import unittest

import contract
from ids import created_at_of, new_message_id

CASES = os.path.join(os.path.dirname(__file__), "..", "..", "contract-cases.json")


def expand(value):
    if isinstance(value, dict) and "$repeat" in value:
        return value["$repeat"] * value["times"]
    if isinstance(value, dict):
        return {key: expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item) for item in value]
    return value


def body_of(case) -> bytes:
    if "text" in case and isinstance(case["text"], list):
        return "".join(expand(case["text"])).encode("utf-8")
    if "text" in case:
        return case["text"].encode("utf-8")
    if "base64" in case:
        return base64.b64decode(case["base64"])
    return json.dumps(expand(case["json"]), separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class ContractCases(unittest.TestCase):
    def setUp(self) -> None:
        with open(CASES, encoding="utf-8") as handle:
            self.cases = json.load(handle)

    def test_message_bodies(self) -> None:
        for case in self.cases["messages"]:
            with self.subTest(case["name"]):
                result = contract.parse_new_message(body_of(case))
                expected = expand(case["expect"])
                if "ok" in expected:
                    self.assertEqual(result, (expected["ok"]["content"], expected["ok"]["author"]))
                else:
                    self.assertEqual(result, (expected["status"], expected["body"]))

    def test_content_types(self) -> None:
        for case in self.cases["contentTypes"]:
            with self.subTest(case["name"]):
                expected = case["expect"]
                self.assertEqual(contract.parse_content_type(case["raw"]), None if expected.get("ok") else (expected["status"], expected["body"]))

    def test_expiry(self) -> None:
        for case in self.cases["expiry"]:
            with self.subTest(case["name"]):
                self.assertEqual(contract.expires_at(case["createdAtMs"], case["days"]), case["expect"])

    def test_list_limits(self) -> None:
        for case in self.cases["limits"]:
            with self.subTest(case["name"]):
                result = contract.parse_list_limit(case["raw"])
                expected = case["expect"]
                self.assertEqual(result, expected["ok"] if "ok" in expected else (expected["status"], expected["body"]))

    def test_cursors(self) -> None:
        for case in self.cases["cursors"]:
            with self.subTest(case["name"]):
                result = contract.parse_cursor(case["raw"])
                expected = case["expect"]
                self.assertEqual(result, expected["ok"] if "ok" in expected else (expected["status"], expected["body"]))

    def test_links(self) -> None:
        for case in self.cases["links"]:
            with self.subTest(case["name"]):
                self.assertEqual(contract.next_page_link(case["path"], case["limit"], case["lastId"]), case["expect"])

    def test_routes_and_fixed_answers(self) -> None:
        self.assertEqual(contract.not_found("GET", "/x"), (404, {"error": "not_found", "message": "no route for GET /x"}))
        self.assertEqual(
            contract.method_not_allowed("DELETE", contract.ROUTES["/api/messages/"]),
            (405, {"error": "method_not_allowed", "message": "DELETE is not allowed here; use GET or POST"}),
        )
        self.assertEqual(contract.STORAGE_UNAVAILABLE[0], 503)


class MessageIds(unittest.TestCase):
    def test_uuid7_ordered_and_dated(self) -> None:
        now = 1771329600123  # 2026-02-17T12:00:00.123Z
        ids = [new_message_id(now) for _ in range(50)]
        self.assertEqual(sorted(ids), ids)
        self.assertEqual(len(set(ids)), 50)
        self.assertRegex(ids[0], r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertEqual(created_at_of(ids[0]), "2026-02-17T12:00:00.123Z")


if __name__ == "__main__":
    unittest.main()
