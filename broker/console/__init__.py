"""The staff console: the hub's HTTPS server for browsers (supervisors, technicians, officers) and
for the counter apps' JSON API (``shared.contract.staff_api``).

Why Starlette on uvicorn: Starlette is a small, well-kept ASGI toolkit (routing, forms, static
files, Jinja2 templates, streaming responses for server-sent events) with no ORM or admin of its
own to fight; uvicorn is its reference server, serves TLS itself and runs in a thread of the hub
process, so the console reaches the hub's one writer (its worker thread) without another process
or a second database writer. FastAPI would add request models we already have
(``shared.contract``); Litestar and hypercorn are fine too but smaller communities.

The hub stays the only writer: every change the console makes is a job on the hub's worker
(``ConsoleContext.submit``), exactly like an MQTT command; pages read the database through their
own read-only sessions off the worker.
"""
