"""Reference central system: a small real server speaking the sync protocol.

It stands in for the provincial central system in tests, demos and pilots, with its
own database, SQLite or PostgreSQL (never the terminal's local_db), and its own blob
directory for attachments. The protocol is described in docs/sync-protocol.md.
Entry points: ``central.api.create_app`` to serve in-process,
``central.store.add_terminal`` to register a terminal, and ``python -m central``
(``central.cli.main``).

Nothing is imported here so that ``central.cli`` stays cheap to import for the
application's CLI, which delegates to it.
"""
