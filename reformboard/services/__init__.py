"""The actions: one module per area, each function authorising, writing and auditing exactly once.

Pages (dashboard/views) and commands (reformboard/commands) call these in their own transaction and only
present the outcome; a refusal is a DomainError carrying the Chinese sentence to show.
"""
