"""A synthetic but believable demo province for ReformBoard: pure data, no storage."""

from reformboard.demo.build import build_demo
from reformboard.demo.model import Demo, DemoSubmission, DemoUnit

__all__ = ["Demo", "DemoSubmission", "DemoUnit", "build_demo"]
