"""The account alias: one per account, unique across all accounts (it names the sign-in URL)."""

from __future__ import annotations

import re

from stratus.core.context import RequestContext
from stratus.services.iam.account_support import AccountMixin, list_page
from stratus.services.iam.common import EntityAlreadyExists, IamValidationError, NoSuchEntity

ALIAS_PATTERN = r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"
_ALIAS = re.compile(ALIAS_PATTERN)


class AliasOperations(AccountMixin):
    def create_account_alias(self, ctx: RequestContext, req: dict) -> dict:
        alias = req["AccountAlias"]
        if not _ALIAS.match(alias):
            raise IamValidationError(
                f"1 validation error detected: Value '{alias}' at 'accountAlias' failed to satisfy "
                f"constraint: Member must satisfy regular expression pattern: {ALIAS_PATTERN}"
            )
        db = self.db()
        owner = db.query_one("SELECT account_id FROM account_aliases WHERE alias = ?", (alias,))
        if owner is not None:
            if owner["account_id"] == ctx.account_id:
                return {}  # already this account's alias
            raise EntityAlreadyExists(f"The account alias {alias} already exists.")
        # An account has at most one alias; a new one replaces the old (AWS Sign-In User Guide).
        with db.transaction():
            db.execute("DELETE FROM account_aliases WHERE account_id = ?", (ctx.account_id,))
            db.execute(
                "INSERT INTO account_aliases (alias, account_id) VALUES (?, ?)", (alias, ctx.account_id)
            )
        self.changed()
        return {}

    def delete_account_alias(self, ctx: RequestContext, req: dict) -> dict:
        alias = req["AccountAlias"]
        db = self.db()
        row = db.query_one(
            "SELECT 1 FROM account_aliases WHERE alias = ? AND account_id = ?", (alias, ctx.account_id)
        )
        if row is None:
            raise NoSuchEntity(f"The account alias {alias} cannot be found.")
        db.execute("DELETE FROM account_aliases WHERE alias = ? AND account_id = ?", (alias, ctx.account_id))
        self.changed()
        return {}

    def list_account_aliases(self, ctx: RequestContext, req: dict) -> dict:
        rows = self.db().query(
            "SELECT alias FROM account_aliases WHERE account_id = ? ORDER BY alias", (ctx.account_id,)
        )
        return list_page("AccountAliases", [row["alias"] for row in rows], req)
