"""Alembic environment: always run from code with a connection handed in.

The terminal upgrades its own database on start (local_db.database), so there
is no alembic.ini and no URL here.
"""

from alembic import context

from local_db.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
