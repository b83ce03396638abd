"""The worker's and the scheduled job's decisions, without a table: what a record carries, which day a run digests,
which ids a day holds, what a digest says, and the probe both answer without touching anything.

Run from handlers/python_api, the task root: python3 -m unittest discover -s tests -t .
"""
import json
import os
import unittest
from datetime import date, datetime, timezone

from digest import day_to_digest, digest_of, id_floor, id_range
from ids import created_millis_of, new_message_id
from probe import probe_answer, probe_token
from worker import message_of


class WorkerRecords(unittest.TestCase):
    def test_reads_the_message_the_api_sent(self):
        body = json.dumps({"id": "0190-x", "content": "hi", "author": "ann", "created_at": "2026-12-07T00:00:00.000Z"})
        self.assertEqual(message_of(body), {"id": "0190-x", "author": "ann"})

    def test_refuses_what_is_not_a_message(self):
        for body in (None, "", "not json", "[]", "42", json.dumps({"id": "x"}), json.dumps({"id": "", "author": "a"}), json.dumps({"id": 1, "author": "a"})):
            with self.subTest(body=body):
                self.assertIsNone(message_of(body))


class DigestDays(unittest.TestCase):
    def test_digests_the_day_before_the_scheduled_time_so_a_retry_digests_the_same_day(self):
        event = {"scheduledTime": "2026-12-07T06:00:00Z"}
        later = datetime(2026, 12, 9, 1, 0, tzinfo=timezone.utc)
        self.assertEqual(day_to_digest(event, now=later), date(2026, 12, 6))

    def test_without_a_scheduled_time_digests_yesterday(self):
        now = datetime(2026, 1, 1, 0, 30, tzinfo=timezone.utc)
        self.assertEqual(day_to_digest({}, now=now), date(2025, 12, 31))

    def test_a_day_holds_exactly_the_ids_made_in_it(self):
        first, after_last = id_range(date(2026, 12, 6))
        start = int(datetime(2026, 12, 6, tzinfo=timezone.utc).timestamp() * 1000)
        end = start + 24 * 3600 * 1000
        # The smallest and the largest id of a millisecond (new_message_id only moves forward in time).
        largest = lambda millis: id_floor(millis)[:19] + "ffff-ffffffffffff"
        inside = [id_floor(start), largest(end - 1)]
        outside = [largest(start - 1), id_floor(end)]
        for message_id in inside:
            self.assertTrue(first <= message_id < after_last, message_id)
        for message_id in outside:
            self.assertFalse(first <= message_id < after_last, message_id)
        self.assertEqual(created_millis_of(id_floor(start)), start)
        self.assertEqual(created_millis_of(largest(end - 1)), end - 1)
        # An id made now lies in today (new_message_id only moves forward, so it is made at the latest time yet).
        today_first, today_after = id_range(datetime.now(timezone.utc).date())
        self.assertTrue(today_first <= new_message_id() < today_after)

    def test_counts_messages_and_authors(self):
        self.assertEqual(
            digest_of(date(2026, 12, 6), ["bo", "ann", "bo"]),
            {"day": "2026-12-06", "messages": 3, "authors": {"ann": 1, "bo": 2}},
        )
        self.assertEqual(digest_of(date(2026, 12, 6), []), {"day": "2026-12-06", "messages": 0, "authors": {}})


class Probe(unittest.TestCase):
    def test_only_a_probe_is_a_probe(self):
        self.assertEqual(probe_token({"probe": "t-1"}), "t-1")
        for event in ({}, {"probe": 1}, {"probe": "t", "Records": []}, {"Records": [{"body": "{}"}]}, None, "probe"):
            with self.subTest(event=event):
                self.assertIsNone(probe_token(event))

    def test_answers_with_the_function_and_version(self):
        os.environ["APP_VERSION"] = "9.9.9"
        try:
            self.assertEqual(probe_answer("t-1", "worker"), {"probe": "t-1", "function": "worker", "version": "9.9.9"})
        finally:
            del os.environ["APP_VERSION"]
