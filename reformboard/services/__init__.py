"""The actions: each authorises, writes and audits once (see reformboard/overrides.py for the shape)."""
