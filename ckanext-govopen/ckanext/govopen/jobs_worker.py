"""`ckan jobs worker` through a Redis restart (issue 19: faults).

rq's worker (rq 1.16, CKAN's ``ckan.lib.jobs.Worker``) takes jobs again by itself after
Redis restarts: its dequeue loop retries a lost connection, and redis-py reconnects on
the next command. Two things of it did not come back, found by the fault test
(tests/logic/test_faults.py):

- its command channel: a thread listens on Redis pub/sub for rq's commands to the worker
  (shutdown, kill the work-horse, stop a job); the first connection error ended that
  thread with a traceback in the worker's log, and the worker never heard a command
  again. Here the thread waits a moment and listens again (redis-py reconnects and
  subscribes again on the next read).
- its registration: a restarted Redis without persistence has forgotten the worker, so
  ``rq info``, ``rq.Worker.all`` and any monitoring saw no worker while one was taking
  jobs. Here the worker's heartbeat registers it again (as at its start) when it is no
  longer in rq's set of workers.

- the worker itself: when Redis was away at the moment a job ended (rq writes the job's
  end and the worker's state there), the error left rq's work loop and the worker quit
  ("found an unhandled exception, quitting"), so no job ran until somebody started it
  again. Here the worker waits for the work-horse to end (never two jobs at once), then
  for Redis to answer, and goes on. rq's record of that job went with Redis; the job
  recorded its own result in PostgreSQL (the publication job does, before it returns).

Installed by the plugin in the worker process only (``plugin.update_config``).
"""
from __future__ import annotations

import logging
import os
import time

log = logging.getLogger(__name__)

#: How long the command listener waits before it listens again after an error.
RETRY_SECONDS = 1.0


def _listen_again(error, pubsub, thread) -> None:
    """redis-py's exception handler of the pub/sub thread: keep the thread alive."""
    log.warning("jobs worker: command channel lost (%s: %s); listening again in %.0f s",
                type(error).__name__, error, RETRY_SECONDS)
    time.sleep(RETRY_SECONDS)


def subscribe(self) -> None:
    """rq's ``Worker.subscribe``, with a listener that survives a lost connection."""
    self.log.info("Subscribing to channel %s", self.pubsub_channel_name)
    self.pubsub = self.connection.pubsub()
    self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
    self.pubsub_thread = self.pubsub.run_in_thread(sleep_time=0.2, daemon=True,
                                                   exception_handler=_listen_again)


def _heartbeat(original):
    def heartbeat(self, timeout=None, pipeline=None):
        # only the worker itself, outside a pipeline (the work-horse is a fork of it
        # with the same key, and a pipeline's reads answer nothing until it executes)
        if pipeline is None and not self.is_horse and self._govopen_pid == os.getpid() \
                and not self.connection.sismember(self.redis_workers_keys, self.key):
            log.warning("jobs worker %s: Redis forgot this worker (restarted?): registering "
                        "it again", self.name)
            # what rq wrote meanwhile (state, heartbeat) made a key of a few fields
            self.connection.delete(self.key)
            self.register_birth()
        return original(self, timeout=timeout, pipeline=pipeline)
    heartbeat.govopen = True
    return heartbeat


#: Longest wait between two tries to reach Redis again (rq's dequeue loop waits the same).
MAX_WAIT_SECONDS = 30.0


def _wait_for_horse(worker) -> None:
    """Until the job's work-horse (if any still runs) has ended."""
    pid = getattr(worker, "_horse_pid", 0)
    if pid:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:  # rq reaped it already
            pass
        worker._horse_pid = 0


def _wait_for_redis(worker) -> None:
    import redis
    wait = 1.0
    while True:
        try:
            if worker.connection.ping():
                return
        except redis.exceptions.RedisError as e:
            log.warning("jobs worker: Redis unreachable (%s); trying again in %.0f s", e, wait)
        time.sleep(wait)
        wait = min(wait * 2, MAX_WAIT_SECONDS)


def _execute_job(original):
    def execute_job(self, job, *args, **kwargs):
        import redis
        try:
            return original(self, job, *args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as e:
            log.warning("jobs worker: Redis lost while job %s ran (%s: %s); waiting for the "
                        "job to end and for Redis, then going on", job.id, type(e).__name__, e)
            _wait_for_horse(self)
            _wait_for_redis(self)
    return execute_job


def _register_birth(original):
    def register_birth(self):
        self._govopen_pid = os.getpid()
        return original(self)
    return register_birth


def install() -> None:
    """Patch CKAN's worker class (once)."""
    from ckan.lib.jobs import Worker
    if getattr(Worker.heartbeat, "govopen", False):
        return
    Worker._govopen_pid = None
    Worker.subscribe = subscribe
    Worker.register_birth = _register_birth(Worker.register_birth)
    Worker.heartbeat = _heartbeat(Worker.heartbeat)
    Worker.execute_job = _execute_job(Worker.execute_job)
