"""The wire format between the core and its remote workers (no Redis needed)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.running.engine_request import EngineRequest
from bot.scale.protocol import (
    QueueKeys,
    RunOrder,
    RunReport,
    RunStatus,
    dumps,
    loads,
    redis_address,
)
from harmonize.options import HarmonizeOptions
from harmonize.types import Placement
from tests.support.services import make_settings

REQUEST = EngineRequest(
    job_id="abc123",
    painting_path="/core/files/abc123/input/painting.webp",
    object_path="/core/files/abc123/input/object.jpg",
    output_dir="/core/files/abc123/output",
    placement=Placement(0.25, 0.5, 0.3),
    options=HarmonizeOptions(tau="auto", size=512, iters1=300, iters2=200, post=True),
)


def test_an_order_crosses_json_and_gets_the_workers_paths() -> None:
    order = RunOrder.for_request("abc123-00ff", REQUEST, timeout_s=90.0, progress_interval_s=3.0)
    wire = loads(dumps(order.to_wire()))
    assert "/core/" not in dumps(wire).decode()  # no core-side path reaches the worker
    back = RunOrder.from_wire(wire)
    assert back == order
    request = back.engine_request(Path("/tmp/run"))
    assert request == replace(
        REQUEST, painting_path="/tmp/run/painting.webp", object_path="/tmp/run/object.jpg", output_dir="/tmp/run/output"
    )


def test_a_finished_cut_out_stays_one_across_the_wire() -> None:
    order = RunOrder.for_request("r", replace(REQUEST, object_is_cutout=True), 1.0, 1.0)
    assert RunOrder.from_wire(loads(dumps(order.to_wire()))).engine_request(Path("/w")).object_is_cutout
    assert not RunOrder.for_request("r", REQUEST, 1.0, 1.0).engine_request(Path("/w")).object_is_cutout


@pytest.mark.parametrize("tau", [2.5, "auto"])
def test_every_kind_of_tau_survives_the_trip(tau) -> None:
    order = RunOrder.for_request("r", replace(REQUEST, options=REQUEST.options.replace(tau=tau)), 1.0, 1.0)
    back = RunOrder.from_wire(loads(dumps(order.to_wire()))).engine_request(Path("/w"))
    assert back.options.tau == tau


def test_an_order_with_a_setting_this_worker_lacks_is_refused_not_guessed() -> None:
    order = RunOrder.for_request("r", REQUEST, 1.0, 1.0)
    wire = order.to_wire()
    wire["request"]["options"]["sharpness"] = 3  # from a newer core
    with pytest.raises(ValueError, match="sharpness"):
        RunOrder.from_wire(wire).engine_request(Path("/w"))


def test_reports_round_trip_and_reject_unknown_statuses() -> None:
    report = RunReport(RunStatus.FAILED, "No object found.", "Traceback ...")
    assert RunReport.from_wire(loads(dumps(report.to_wire()))) == report
    with pytest.raises(ValueError):
        RunReport.from_wire({"status": "exploded"})


def test_every_key_lives_under_the_queue_name() -> None:
    keys = QueueKeys("bot2")
    run = keys.run("abc123-00ff")
    names = [
        keys.queue,
        keys.progress,
        keys.worker("host:1"),
        run.lease,
        run.cancel,
        run.input("painting"),
        run.output("final"),
    ]
    assert all(name.startswith("bot2:") for name in names)
    assert len(set(names)) == len(names)
    assert run.lease.startswith(keys.runs_pattern.rstrip("*"))


def test_the_redis_address_for_logs_has_no_password(tmp_path) -> None:
    settings = make_settings(tmp_path, redis_url="redis://:hunter2@cache.internal:6380/3")
    assert redis_address(settings) == "cache.internal:6380/3"
