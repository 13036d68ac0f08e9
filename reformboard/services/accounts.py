"""Accounts: adding users, setting passwords, disabling and listing them.

The actions themselves live in tenants.accounts, beside signing in, because on PostgreSQL both go through
the owner's functions there; pages and commands reach them through this module like every other action.
"""

from tenants.accounts import add_user, disable_user, list_users, set_password

__all__ = ["add_user", "disable_user", "list_users", "set_password"]
