"""The terminal's side of the sync protocol: the background engine and its parts.

- ``engine``: ``SyncEngine``, the thread loop, wake-up, global backoff, online state, ``sync_once``;
- ``planner``: ``BatchSizer`` and ``Planner``, which batch goes next and whose scans go up ahead;
- ``uploader``: ``BlobUploader``, the one way scans reach the server (sender and uploads ahead);
- ``submitter``: posts a batch and turns the typed answers into a settlement for the outbox;
- ``feed`` and ``reference``: the status feed and reference data pulls;
- ``events``: what the engine reports (``SyncEvent``) and how a send step ended (``Outcome``);
- ``client``: ``CentralClient``, HTTP with typed answers, and the fall-back for older central systems.

Imports ``core``, ``protocol``, ``local_db`` and httpx; never Qt.
"""
