"""The rich menu of `make line-setup`: what it shows, what each tile asks, and how it reaches LINE."""

import io
import os
import subprocess
import sys

import pytest
from PIL import Image

from bot.channels import line_rich_menu
from bot.channels.line_rich_menu import HEIGHT, WIDTH, font_path, menu_image, menu_request, tiles
from line_helpers import (
    ACCESS_TOKEN,
    rich_menu_limit_errors,
    schema_errors,
)
from project_helpers import ROOT


@pytest.fixture(scope="module")
def request_and_image():
    request = menu_request(tiles())
    return request, menu_image(request, font_path())


def setup_command(stand_in, **environment):
    env = {**os.environ, "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "LINE_API_BASE": stand_in.base_url, **environment}
    return subprocess.run(
        [sys.executable, "-m", "bot.channels.line_rich_menu"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_menu_offers_faq_renewal_account_and_a_person_in_the_domains_words(request_and_image):
    request, _ = request_and_image
    actions = [area["action"] for area in request["areas"]]
    assert [a["label"] for a in actions] == ["よくある質問", "契約更新", "アカウント", "担当者と話す"]
    # A tap shows the tile's words as the customer's and sends what the bot answers.
    assert [a["displayText"] for a in actions] == [a["label"] for a in actions]
    assert [a["data"] for a in actions] == ["/greet", "/faq/renewal_how", "/check_account_status", "/request_human"]
    assert request["chatBarText"] == "メニュー"


def test_the_menu_is_one_lines_schema_and_limits_accept(request_and_image):
    request, _ = request_and_image
    assert schema_errors("messaging-api.yml", "RichMenuRequest", request) + rich_menu_limit_errors(request) == []


def test_the_tiles_cover_the_whole_menu_side_by_side(request_and_image):
    bounds = [area["bounds"] for area in request_and_image[0]["areas"]]
    assert [b["x"] for b in bounds] == [0] + [b["x"] + b["width"] for b in bounds[:-1]]
    assert bounds[-1]["x"] + bounds[-1]["width"] == WIDTH
    assert {(b["y"], b["height"]) for b in bounds} == {(0, HEIGHT)}


def test_the_image_is_a_png_of_the_menus_size_with_each_tiles_words_drawn_on_it(request_and_image):
    request, image = request_and_image
    assert len(image) <= 1024 * 1024
    picture = Image.open(io.BytesIO(image))
    assert (picture.format, picture.size) == ("PNG", (WIDTH, HEIGHT))
    for area in request["areas"]:
        b = area["bounds"]
        middle = picture.crop((b["x"] + 40, b["y"] + HEIGHT // 3, b["x"] + b["width"] - 40, b["y"] + 2 * HEIGHT // 3))
        colours = middle.convert("L").getextrema()
        # White letters on a dark tile: a blank tile would be one colour.
        assert colours[1] - colours[0] > 150, area["action"]["label"]
    # For people to look at (README: LINE).
    (ROOT / "test-output").mkdir(exist_ok=True)
    (ROOT / "test-output" / "line-rich-menu.png").write_bytes(image)


async def test_line_setup_makes_the_menu_everyones_default_and_a_rerun_replaces_it(stand_in):
    first = setup_command(stand_in)
    assert first.returncode == 0, first.stderr
    [menu_id] = stand_in.rich_menus
    assert stand_in.default_rich_menu == menu_id
    assert stand_in.rich_menus[menu_id]["image"] is not None
    assert f"rich menu {menu_id}" in first.stdout
    again = setup_command(stand_in)
    assert again.returncode == 0, again.stderr
    [new_id] = stand_in.rich_menus
    assert new_id != menu_id and stand_in.default_rich_menu == new_id


async def test_a_failed_upload_leaves_the_old_menu_in_place_and_no_half_made_one(stand_in):
    assert setup_command(stand_in).returncode == 0
    [old] = stand_in.rich_menus
    stand_in.fail_next("/v2/bot/richmenu/{id}/content", 500)
    failed = setup_command(stand_in)
    assert failed.returncode == 1
    assert "rich menu not set up" in failed.stderr and "HTTP 500" in failed.stderr
    assert list(stand_in.rich_menus) == [old] and stand_in.default_rich_menu == old


def test_without_the_access_token_line_setup_says_what_is_missing_and_calls_nothing(stand_in):
    result = setup_command(stand_in, LINE_CHANNEL_ACCESS_TOKEN="")
    assert result.returncode == 2
    assert "LINE_CHANNEL_ACCESS_TOKEN" in result.stderr
    assert stand_in.calls == []


def test_without_a_japanese_font_line_setup_says_which_to_install(stand_in):
    result = setup_command(stand_in, LINE_MENU_FONT="/nonexistent/font.ttf")
    assert result.returncode == 1
    assert "fonts-ipafont-gothic" in result.stderr and "LINE_MENU_FONT" in result.stderr
    assert stand_in.calls == []


def test_a_wrong_token_is_reported_with_lines_own_words(stand_in):
    result = setup_command(stand_in, LINE_CHANNEL_ACCESS_TOKEN="not-the-token")
    assert result.returncode == 1
    assert "HTTP 401" in result.stderr and "not-the-token" not in result.stderr + result.stdout
    assert stand_in.rich_menus == {}


def test_the_image_can_be_drawn_alone_to_look_at(tmp_path):
    out = tmp_path / "menu.png"
    assert line_rich_menu.main(["--image-only", str(out)]) == 0
    assert Image.open(out).size == (WIDTH, HEIGHT)
