"""`ckan govopen daily`: the scheduler that `make run` and docker's `daily` service start,
so that due-date and annual-report reminders go out without a cron entry."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def invoke(*args):
    from click.testing import CliRunner
    from ckanext.govopen.cli import govopen
    return CliRunner().invoke(govopen, list(args))


def test_once_runs_the_duties_and_exits(monkeypatch):
    from ckanext.govopen import notifications
    calls = []
    monkeypatch.setattr(notifications, "notify_due", lambda today: calls.append(today) or
                        {"reminder": 2, "overdue": 1, "report": 0, "emailed": 3})
    out = invoke("daily", "--once")
    assert out.exit_code == 0, out.output
    assert calls == [None]  # today, in Asia/Shanghai (notify_due decides)
    assert "reminders: 2  overdue: 1  annual report: 0  e-mailed: 3" in out.output


def test_it_runs_again_at_the_next_local_hour_and_survives_a_failed_run(monkeypatch):
    import time
    from ckanext.govopen import notifications
    from ckanext.govopen.domain import daily
    runs, sleeps = [], []

    def notify_due(today):
        runs.append(today)
        if len(runs) == 1:
            raise RuntimeError("database away")  # the first run fails: logged, not fatal
        return {"reminder": 0, "overdue": 0, "report": 0, "emailed": 0}

    class Stop(Exception):
        pass

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise Stop()
    monkeypatch.setattr(notifications, "notify_due", notify_due)
    monkeypatch.setattr(time, "sleep", sleep)
    monkeypatch.setattr(daily, "seconds_until", lambda now, hour=8, tz="Asia/Shanghai": 3600.0 * hour)
    out = invoke("daily", "--hour", "7")
    assert isinstance(out.exception, Stop)
    assert len(runs) == 2 and sleeps == [7 * 3600.0, 7 * 3600.0]


def test_a_bad_hour_is_refused():
    out = invoke("daily", "--hour", "25", "--once")
    assert out.exit_code == 2 and "25" in out.output
