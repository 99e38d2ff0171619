"""each account's definitions stamp, changed by triggers on its definitions and options

A request reads the stamp with its token; the custom field definitions a process read
for that stamp serve the account's later requests until a write of its definitions
or options gives it a new one (random: decision 0214). One statement less a search.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# As declared at this revision (storage/definition_stamps.py), written out.
_TABLES = ("custom_field_definitions", "custom_field_options")
_ROW = {"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"}
_FUNCTION = """
CREATE OR REPLACE FUNCTION verdigris_definitions_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE accounts SET definitions_stamp = (random() * 9.0e18)::bigint
        WHERE id = OLD.account_id;
    ELSE
        UPDATE accounts SET definitions_stamp = (random() * 9.0e18)::bigint
        WHERE id = NEW.account_id;
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.add_column(
        "accounts",
        sa.Column("definitions_stamp", sa.BigInteger(), nullable=False, server_default="0"),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    # 0 is the stamp of an account whose definitions were never written: not these.
    random = "random()" if sqlite else "(random() * 9.0e18)::bigint"
    op.execute(f"UPDATE accounts SET definitions_stamp = {random}")
    if sqlite:
        for table in _TABLES:
            for event, row in _ROW.items():
                op.execute(
                    f"CREATE TRIGGER IF NOT EXISTS tr_{table}_{event.lower()}_stamp AFTER"
                    f" {event} ON {table} BEGIN UPDATE accounts SET definitions_stamp ="
                    f" random() WHERE id = {row}.account_id; END"
                )
        return
    op.execute(_FUNCTION)
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER tr_{table}_stamp AFTER INSERT OR UPDATE OR DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION verdigris_definitions_changed()"
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in _TABLES:
        if sqlite:
            for event in _ROW:
                op.execute(f"DROP TRIGGER IF EXISTS tr_{table}_{event.lower()}_stamp")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS tr_{table}_stamp ON {table}")
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS verdigris_definitions_changed()")
    op.drop_column("accounts", "definitions_stamp")
