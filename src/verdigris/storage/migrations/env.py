"""Alembic environment: the engine comes from verdigris.storage.migrate, metadata from schema."""

from alembic import context

from verdigris.storage.schema import metadata

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection, target_metadata=metadata, transaction_per_migration=True
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
