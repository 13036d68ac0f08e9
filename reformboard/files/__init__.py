"""Uploaded documents (required materials, evidence): typed by content, inspected in a sandbox, stored by hash."""
