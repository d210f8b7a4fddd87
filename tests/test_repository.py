"""No secrets in the repository: keys, tokens, databases and instance files stay out of git."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: What a secret looks like, by kind.
SECRETS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "Fernet or other 32-byte key": re.compile(
        r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}=(?![A-Za-z0-9=])"
    ),
    "AWS access key": re.compile(r"AKIA[0-9A-Z]{16}"),
    "GitHub token": re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),
    "Slack token": re.compile(r"xox[baprs]-[A-Za-z0-9-]{10,}"),
    "password in a URL": re.compile(r"://[^/\s:@]+:[^/\s@]{3,}@"),
}
#: Lines allowed to carry something secret-shaped, and why.
ALLOWED = {
    # The test suite's own notes key: only ever used by TestingConfig.
    'NOTES_KEYS = "ZmRfdGVzdF9rZXlfZm9yX25vdGVzX19fX19fX19fX18="',
}
#: Files that must never be committed at all.
NEVER = re.compile(
    r"(^|/)(instance/|\.env$|.*\.sqlite3$|.*\.pem$|.*\.key$|notes_keys?$|secret_key$)"
)


def tracked_files() -> list[str]:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.fail("the secrets check needs git and a clone of the repository")
    listing = subprocess.run(
        [git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    )
    return [name for name in listing.stdout.split("\0") if name]


def test_no_secret_is_committed():
    found = []
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file() or path.suffix in {".png", ".woff2", ".ttf", ".pdf"}:
            continue
        text = path.read_text(errors="ignore")
        for number, line in enumerate(text.splitlines(), 1):
            if any(allowed in line for allowed in ALLOWED):
                continue
            found += [
                f"{name}:{number}: {kind}" for kind, shape in SECRETS.items() if shape.search(line)
            ]
    assert not found, "\n".join(found)


def test_no_instance_file_or_database_is_committed():
    assert [name for name in tracked_files() if NEVER.search(name)] == []


def test_the_check_would_see_a_key():
    """The patterns find what they are for (a key made here, not one from anywhere)."""
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    assert SECRETS["Fernet or other 32-byte key"].search(f"NOTES_KEYS={key}")
    password = Fernet.generate_key().decode()[:12]  # made here, so this file stays clean
    assert SECRETS["password in a URL"].search("postgresql://mend:" + password + "@db/mend")
    assert not SECRETS["password in a URL"].search("postgresql://postgres@127.0.0.1:5432/test")
    assert NEVER.search("instance/notes_key")
    assert NEVER.search("backups/mend.sqlite3")
