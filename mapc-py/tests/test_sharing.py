"""A compiled mapping is shared by threads and pickled (as its source and
options, compiled again on the other side)."""

import concurrent.futures
import datetime
import multiprocessing
import pickle
from decimal import Decimal
from multiprocessing.pool import ThreadPool

import mapc
from conftest import ROOT

SOURCE = "param tenant: string\nid = .id required\namount = .cents / 100\ntenant = $tenant\nat = now()"


def expected(i):
    return {"id": i, "amount": Decimal(i) / 100, "tenant": "acme", "at": "2026-03-29T00:30:00Z"}


def test_threads_share_one_mapping():
    m = mapc.compile(SOURCE, params={"tenant": "acme"}, now="2026-03-29T00:30:00Z")

    def work(i):
        if i % 3 == 0:
            return m.map({"id": i, "cents": i})
        if i % 3 == 1:
            return m.map_json(f'{{"id": {i}, "cents": {i}}}')
        batch = m.map_batch([f'{{"id": {i}, "cents": {i}}}'] * 300 + ['{"cents": 1}'], jobs=2)
        assert len(batch.outputs) == 300 and batch.rejects[0]["line"] == 301
        return batch.outputs[299]

    with ThreadPool(8) as pool:
        results = pool.map(work, range(600))
    for i, result in enumerate(results):
        if i % 3 == 0:
            assert result == expected(i)
        else:
            assert result == mapc.compile(SOURCE, params={"tenant": "acme"}, now="2026-03-29T00:30:00Z").map_json(
                f'{{"id": {i}, "cents": {i}}}'
            )


def test_a_mapping_pickles_as_its_source_and_options():
    now = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.timezone.utc)
    m = mapc.compile(SOURCE, name="charges.map", params={"tenant": "acme"}, now=now, time_zone="Europe/Berlin")
    again = pickle.loads(pickle.dumps(m))
    assert again is not m
    assert (again.source, again.name, again.params, again.now, again.time_zone) == (
        SOURCE, "charges.map", {"tenant": "acme"}, "2026-03-29T00:30:00+00:00", "Europe/Berlin",
    )
    assert again.map({"id": 5, "cents": 5}) == expected(5)


def test_a_mapping_from_a_file_with_a_csv_table_pickles():
    m = mapc.compile_file(ROOT / "mappings/webform_lead/lead.map", params=_lead_params())
    again = pickle.loads(pickle.dumps(m))
    case = ROOT / "mappings/webform_lead/lead.tests"
    for input_path in sorted(case.glob("*/input.json")):
        text = input_path.read_bytes()
        try:
            assert again.map_json(text) == m.map_json(text)
        except mapc.MappingError as error:
            try:
                m.map_json(text)
            except mapc.MappingError as original:
                assert original.errors == error.errors


def _lead_params():
    import json

    found = sorted((ROOT / "mappings/webform_lead/lead.tests").glob("*/params.json"))
    return json.loads(found[0].read_text()) if found else {}


def _map_in_another_process(m):
    return m.map({"id": 7, "cents": 7})


def test_a_mapping_crosses_to_other_processes():
    m = mapc.compile(SOURCE, params={"tenant": "acme"}, now="2026-03-29T00:30:00Z")
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        assert list(pool.map(_map_in_another_process, [m, m])) == [expected(7), expected(7)]
