# @notes clean: pytest fixtures and factories for an API test-suite; temp dirs via tmp_path, throwaway secrets generated per run
"""Shared pytest fixtures: app factory, database, authenticated clients and factories."""
from __future__ import annotations

import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from app import create_app
from app.auth import hash_password, issue_token


@dataclass
class TestUser:
    id: int
    email: str
    password: str
    token: str


@pytest.fixture(scope="session")
def app_secret() -> str:
    return secrets.token_hex(32)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "test.db"
    conn = sqlite3.connect(path)
    schema = Path(__file__).parent.parent / "schema.sql"
    conn.executescript(schema.read_text())
    conn.close()
    return path


@pytest.fixture
def app(db_path: Path, app_secret: str, tmp_path: Path):
    application = create_app(
        {
            "TESTING": True,
            "DATABASE": str(db_path),
            "SECRET_KEY": app_secret,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )
    yield application


@pytest.fixture
def client(app):
    return app.test_client()


class UserFactory:
    def __init__(self, db_path: Path, secret: str) -> None:
        self.db_path = db_path
        self.secret = secret
        self._n = 0

    def create(self, *, admin: bool = False, email: str | None = None) -> TestUser:
        self._n += 1
        email = email or f"user{self._n}@test.invalid"
        password = secrets.token_urlsafe(12)
        conn = sqlite3.connect(self.db_path)
        try:
            cur = conn.execute(
                "INSERT INTO users (email, password_hash, is_admin) VALUES (?, ?, ?)",
                (email, hash_password(password), int(admin)),
            )
            conn.commit()
            user_id = cur.lastrowid
        finally:
            conn.close()
        return TestUser(user_id, email, password, issue_token(user_id, self.secret))


@pytest.fixture
def users(db_path: Path, app_secret: str) -> UserFactory:
    return UserFactory(db_path, app_secret)


@pytest.fixture
def auth_client(client, users: UserFactory):
    user = users.create()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {user.token}"
    client.user = user
    return client


@pytest.fixture
def admin_client(app, users: UserFactory):
    c = app.test_client()
    user = users.create(admin=True)
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {user.token}"
    c.user = user
    return c


@pytest.fixture
def env(monkeypatch) -> Iterator[dict[str, str]]:
    saved: dict[str, str] = {}

    class Env(dict):
        def __setitem__(self, key: str, value: str) -> None:
            saved[key] = value
            monkeypatch.setenv(key, value)

    yield Env()
    for key in saved:
        os.environ.pop(key, None)
