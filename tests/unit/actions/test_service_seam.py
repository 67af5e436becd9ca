"""The one seam between the actions and the services: actions look a service up in bot.services when
they call it, so a test's fake there is the one every action meets."""

import ast
import importlib
import inspect
import shutil
from pathlib import Path

import pytest

from import_contracts import contracts, lint_imports
from project_helpers import ROOT

ACTIONS = sorted((ROOT / "bot" / "actions").glob("*.py"))


def imports_past_the_seam(path: Path):
    """Imports that would bind a service's function, or a service module, when the action loads."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("bot.services"))
        elif isinstance(node, ast.ImportFrom) and node.module == "bot.services":
            yield from (f"bot.services.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.services."):
            module = importlib.import_module(node.module)
            yield from (
                f"{node.module}.{alias.name}" for alias in node.names if inspect.isroutine(getattr(module, alias.name))
            )


@pytest.mark.parametrize("path", ACTIONS, ids=lambda path: path.name)
def test_actions_reach_services_through_the_package(path):
    assert list(imports_past_the_seam(path)) == []


def test_the_seam_check_sees_an_import_past_it(tmp_path):
    action = tmp_path / "action.py"
    action.write_text(
        "from bot import services\nfrom bot.services.accounts import PasswordMail, sign_up\n"
        "from bot.services import tickets\n",
        encoding="utf-8",
    )
    assert list(imports_past_the_seam(action)) == ["bot.services.accounts.sign_up", "bot.services.tickets"]


def test_a_fake_that_drifted_from_its_service_is_refused(fake_service):
    class Drifted:
        async def standing_of(self, email):
            return None

    with pytest.raises(AssertionError, match="accounts.standing_of"):
        fake_service("accounts", Drifted())


def test_an_action_importing_the_store_or_sqlalchemy_breaks_the_build(tmp_path):
    shutil.copytree(ROOT / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    action = tmp_path / "bot" / "actions" / "account.py"
    action.write_text(
        action.read_text(encoding="utf-8") + "import sqlalchemy\nfrom bot.store import db\n", encoding="utf-8"
    )

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    through_services = next(c["name"] for c in contracts() if c.get("source_modules") == ["bot.actions"])
    assert f"{through_services} BROKEN" in result.stdout
    assert "bot.actions.account -> bot.store.db" in result.stdout
    assert "bot.actions.account -> sqlalchemy" in result.stdout
