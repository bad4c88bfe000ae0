"""Background tasks in tests: a real queue, run on purpose.

The suite's Celery app publishes to kombu's in-memory broker (`use_memory_broker`, called by the root
conftest), never to the developer's queue folder or Redis, and never runs a task eagerly. A test enqueues
through the code under test, then looks at what was queued (`queued()`) and runs it (`run_queued()`), just as
a worker would take each message off the queue: what was never enqueued never runs.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Queued:
    name: str
    args: list
    kwargs: dict


def use_memory_broker() -> None:
    from config.celery import app

    app.conf.broker_url = "memory://localhost/"
    app.conf.broker_transport_options = {}
    app.conf.task_always_eager = False


def _drain() -> list[Queued]:
    from config.celery import app

    messages = []
    with app.connection_for_read() as conn:
        queue = conn.SimpleQueue(app.conf.task_default_queue)
        try:
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                args, kwargs, _embed = message.decode()
                messages.append(Queued(message.headers["task"], list(args), dict(kwargs)))
                message.ack()
        finally:
            queue.close()
    return messages


def queued() -> list[Queued]:
    """Take every message off the queue (they are gone afterwards) and return them in order."""
    return _drain()


def run(messages: list[Queued]) -> int:
    """Run the given messages' tasks in this process, as the worker would; returns how many ran."""
    from config.celery import app

    for message in messages:
        app.tasks[message.name].apply(args=message.args, kwargs=message.kwargs, throw=True)
    return len(messages)


def run_queued() -> int:
    """Run everything waiting on the queue, including tasks those tasks enqueue; returns how many ran."""
    total = 0
    while messages := _drain():
        total += run(messages)
    return total
