"""Decision ids: time-ordered, strictly increasing in a process, random enough, and never shared with a forked child."""

from __future__ import annotations

import multiprocessing
import time

from moderation.storage.rows import is_decision_id, new_decision_id


def test_ids_increase_strictly_and_have_the_documented_shape() -> None:
    ids = [new_decision_id() for _ in range(3000)]  # several in each millisecond, past a refill of the random bytes
    assert all(is_decision_id(value) for value in ids)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert abs(int(ids[-1][:12], 16) - time.time() * 1000) < 60_000


def test_the_random_parts_differ_from_id_to_id() -> None:
    # Ids of different milliseconds draw 80 fresh bits each: no two alike, and no part repeated.
    parts = set()
    for _ in range(50):
        parts.add(new_decision_id()[12:])
        time.sleep(0.002)
    assert len(parts) == 50


def _child_ids(queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put([new_decision_id() for _ in range(5)])


def test_a_forked_child_does_not_reuse_its_parents_random_bytes() -> None:
    new_decision_id()  # the parent has random bytes in hand when it forks
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_ids, args=(queue,))
    child.start()
    child_ids = queue.get(timeout=30)
    child.join(30)
    parent_ids = [new_decision_id() for _ in range(5)]
    # The same millisecond can happen, the same 80 random bits (in either id's first draw) practically never.
    assert not {value[12:] for value in child_ids} & {value[12:] for value in parent_ids}
