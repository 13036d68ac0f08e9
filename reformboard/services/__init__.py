"""The application's actions: each authorises, writes and audits once, in the caller's transaction."""
