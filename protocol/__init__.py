"""The sync protocol's wire format (docs/sync-protocol.md), shared by the terminal and the central system.

``protocol.models`` holds the typed request and answer bodies, ``protocol.canonical`` the one canonical
JSON text (what the server hashes to recognise a repeat, what the outbox stores, what reference ETags
are computed over), ``protocol.body`` the submission request body built from plain values.

No Qt, no storage, no HTTP client: only ``core``, pydantic and the standard library, so the server,
the sync engine and the local database can all import it.
"""
