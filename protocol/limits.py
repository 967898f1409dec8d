"""Default request-size limits of the sync protocol, shared by the central system and the terminal.

The central system refuses a body above its limit with 413 ``body_too_large`` before reading it
(``central.boundary``); every limit is a ``central serve`` option. The terminal builds its requests
within these defaults, so against a central system that keeps them it never meets a 413; against one
configured lower it splits its batches (``sync.submitter``). docs/sync-protocol.md, "Limits", is the
reference for the numbers and why they are what they are.
"""

from __future__ import annotations

KIB = 1024
MIB = 1024 * KIB

#: one ``POST /v1/submissions``: a real one is 2-10 KB (form fields, attachment references, review
#: signatures); 256 KiB leaves room for the longest forms and free texts, and no room for a "form" of
#: megabytes
SUBMISSION_BODY = 256 * KIB
#: ``POST /v1/submissions/batch``: up to 200 submissions; 200 real ones are 0.4-2 MB. Parsed JSON takes
#: several times its size in memory, so this bounds one request's memory to a few tens of MB
SUBMISSION_BATCH_BODY = 4 * MIB
#: ``POST /v1/blobs/states``: at most 1000 hashes of 64 hex digits (about 67 KB)
BLOB_STATES_BODY = 128 * KIB
#: ``POST /v1/blobs``: one hash, a size and a media type (about 150 bytes)
BLOB_ANNOUNCE_BODY = 16 * KIB
#: ``POST /v1/audit/batch``: up to 500 entries, a few hundred bytes each in practice; the terminal sends
#: 200 at a time, and 200 entries whose 4096-character details were all escaped would be about 5 MB
AUDIT_BATCH_BODY = 8 * MIB
#: ``POST /v1/reviews/{id}/signatures`` and ``.../return``: a step, a staff number, a reason
REVIEW_BODY = 64 * KIB
#: ``POST /v1/submissions/{id}/reminders``: an id, a staff number, a time and a note of at most 500
#: characters (at most about 3 KB escaped)
REMINDER_BODY = 16 * KIB
#: ``POST /v1/submissions/{id}/rating``: an id, a staff number, a level, a few reason codes and a time
#: (about 300 bytes)
RATING_BODY = 16 * KIB
#: any other request (they carry no body in this protocol)
OTHER_BODY = 64 * KIB
#: ``POST /v1/lookup/person`` and ``/employer``: an id, a staff number, a reason of at most 200 characters,
#: an ID number or unit code (about 1 KB escaped)
LOOKUP_BODY = 16 * KIB
#: ``POST /v1/lookup/registered``: up to 10,000 ID numbers of 18 characters, quoted and separated (about
#: 210 KB), and the lookup's own fields
REGISTERED_CHECK_BODY = 320 * KIB
