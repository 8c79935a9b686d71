"""A single write never publishes a held token or secret (found in the final review)."""

from mutations import Mutation

TEST = "tests/edits/test_write_secrets.py"

MUTATIONS = [
    Mutation(
        name="write secret: a write holding the token is sent (published in the directory)",
        path="expertfile_nb/_edits/send.py",
        old="    published = [name for name, text in body.items() if hide(text) != text]\n",
        new="    published: list[str] = []\n",
        tests=[TEST],
    ),
    Mutation(
        name="write secret: only the raw token is looked for (its base64 sent)",
        path="expertfile_nb/_edits/send.py",
        old="if hide(text) != text]",
        new=(
            'if any(h in text for h in __import__("expertfile_nb._redact", '
            'fromlist=["_held"])._held())]'
        ),
        tests=[TEST],
    ),
]
