"""The pipeline under the DSL: a CDC crash mid-stream loses nothing, and waits follow its progress."""

import threading

from dsl import All


# On message sinks a crash replays from the checkpoint (at-least-once): the view tolerates the
# re-delivered records as replays (produced after the restart, repeating what came before it).
def test_cdc_crash_mid_load_resumes_without_loss(ctx, stack):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, value int, note varchar(32))")
    table = ctx.sql.table("test")
    # Debezium's JSON carries its schema in every message (≈2 KB a row): 20k rows and their replays
    # would overflow the embedded Kafka's ≈5 MB partitions, a limit of the transport, not the CDC
    size = 250 if ctx.cell.sink == "debezium-json" else 1000
    loaded = threading.Event()

    def crash_while_loading():
        loaded.wait(30)
        stack.cdc.restart()  # SIGKILL, then start again from the checkpoint

    crasher = threading.Thread(target=crash_while_loading)
    crasher.start()
    sends = []
    for batch in range(20):
        rows = [{"id": batch * size + i, "value": i, "note": f"b{batch}"} for i in range(size)]
        sends.append(table.insert_many(rows))
        if batch == 5:
            loaded.set()
    crasher.join()

    All(ctx.sql, sends).wait().check()
    assert ctx.downstream.exec_driver_sql("select count(*) from test").scalar() == 20 * size
    assert stack.cdc.state == "streaming"


def test_rows_written_while_the_cdc_is_down_arrive_after_it_restarts(ctx, stack):
    ctx.upstream.exec_driver_sql("create table test (id int primary key, value int)")
    table = ctx.sql.table("test")
    table.insert({"id": 0, "value": 0}).send().wait().check()
    stack.cdc.stop()
    try:
        pending = [table.insert({"id": i, "value": i}).send() for i in range(1, 500)]
    finally:
        stack.cdc.restart()
    All(ctx.sql, pending).wait().check()
