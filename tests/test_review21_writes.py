"""Tests a reviewer of issue 21 wrote to kill the mutations that survived (mutations/review21.py)."""
