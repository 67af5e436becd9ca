"""The LINE account's rich menu: よくある質問 / 契約更新 / アカウント / 担当者と話す.

`make line-setup` (python -m bot.channels.line_rich_menu) draws the menu's image, creates the
menu through the Messaging API, makes it every user's default and then deletes the menus it
made before, so a customer is never without one. The tiles' words, and the bar's that opens the
menu, are the domain's `utter_menu_*` responses; a tap sends a postback that the bot reads like a button's payload.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import aiohttp
import yaml
from PIL import Image, ImageDraw, ImageFont

from bot import settings
from bot.channels.line_api import LineApi, LineApiError

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
MENU_NAME = "support-bot-menu"
# LINE's compact size: one row of tiles that leaves the chat visible above it.
WIDTH, HEIGHT = 2500, 843
# LINE refuses an image over 1 MB.
MAX_IMAGE_BYTES = 1024 * 1024
# Debian's fonts-ipafont-gothic; LINE_MENU_FONT names another font with Japanese glyphs.
DEFAULT_FONTS = (
    "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)
# What each tile asks the bot: a payload Rasa reads as an intent, or a guide answer's (bot/runtime/chosen_answers.py).
TILES = (
    ("faq", "/greet"),
    ("renewal", "/faq/renewal_how"),
    ("account", "/check_account_status"),
    ("person", "/request_human"),
)
BACKGROUNDS = ("#1f5fa8", "#2a7f62", "#6b4fa3", "#9c4221")
DOMAIN = ROOT / "domain.yml"


@dataclass(frozen=True)
class Tile:
    label: str
    payload: str


def _menu_words(domain_path: Path) -> Dict[str, str]:
    responses = yaml.safe_load(domain_path.read_text(encoding="utf-8"))["responses"]
    return {
        name[len("utter_menu_") :]: variants[0]["text"]
        for name, variants in responses.items()
        if name.startswith("utter_menu_")
    }


def tiles(domain_path: Path = DOMAIN) -> List[Tile]:
    words = _menu_words(domain_path)
    return [Tile(words[name], payload) for name, payload in TILES]


def chat_bar_text(domain_path: Path = DOMAIN) -> str:
    return _menu_words(domain_path)["bar"]


def menu_request(menu_tiles: Sequence[Tile]) -> Dict[str, Any]:
    """LINE's rich menu object: the tiles side by side, each a postback showing its label as the customer's words."""
    width = WIDTH // len(menu_tiles)
    areas = []
    for index, tile in enumerate(menu_tiles):
        # The last tile takes the pixels the division leaves over.
        right = WIDTH if index == len(menu_tiles) - 1 else (index + 1) * width
        areas.append(
            {
                "bounds": {"x": index * width, "y": 0, "width": right - index * width, "height": HEIGHT},
                "action": {"type": "postback", "label": tile.label, "data": tile.payload, "displayText": tile.label},
            }
        )
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "name": MENU_NAME,
        "chatBarText": chat_bar_text(),
        "areas": areas,
    }


def font_path(named: Optional[Path] = None) -> Path:
    for candidate in [named] if named else DEFAULT_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FileNotFoundError(
        f"no font with Japanese glyphs at {named or ', '.join(DEFAULT_FONTS)}: "
        "install fonts-ipafont-gothic or set LINE_MENU_FONT to a .ttf/.otf file"
    )


def menu_image(request: Dict[str, Any], font: Path) -> bytes:
    """The menu's PNG: each area a coloured tile with its label, large enough to read on a phone."""
    image = Image.new("RGB", (request["size"]["width"], request["size"]["height"]), "white")
    draw = ImageDraw.Draw(image)
    for index, area in enumerate(request["areas"]):
        bounds, label = area["bounds"], area["action"]["label"]
        box = (bounds["x"], bounds["y"], bounds["x"] + bounds["width"] - 1, bounds["y"] + bounds["height"] - 1)
        draw.rectangle(box, fill=BACKGROUNDS[index % len(BACKGROUNDS)], outline="white", width=6)
        size = 104
        face = ImageFont.truetype(str(font), size)
        while draw.textlength(label, font=face) > bounds["width"] * 0.86:
            size -= 4
            face = ImageFont.truetype(str(font), size)
        centre = (bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2)
        draw.text(centre, label, font=face, fill="white", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    if out.tell() > MAX_IMAGE_BYTES:
        raise ValueError(f"the menu image is {out.tell()} bytes, LINE takes at most {MAX_IMAGE_BYTES}")
    return out.getvalue()


async def install(api: LineApi, request: Dict[str, Any], image: bytes) -> str:
    """Create the menu, make it the default, then remove this project's older menus. Returns the new menu's ID."""
    await api.call("POST", "/v2/bot/richmenu/validate", json=request)
    menu_id = (await api.call("POST", "/v2/bot/richmenu", json=request))["richMenuId"]
    try:
        await api.call(
            "POST", f"/v2/bot/richmenu/{menu_id}/content", data=image, headers={"Content-Type": "image/png"}, blob=True
        )
        await api.call("POST", f"/v2/bot/user/all/richmenu/{menu_id}")
    except (LineApiError, aiohttp.ClientError, asyncio.TimeoutError):
        # A menu without an image or unused is clutter that counts against LINE's limit of 1,000.
        try:
            await api.call("DELETE", f"/v2/bot/richmenu/{menu_id}")
        except (LineApiError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("LINE: the unfinished rich menu %s could not be deleted: %s", menu_id, error)
        raise
    for menu in (await api.call("GET", "/v2/bot/richmenu/list"))["richmenus"]:
        if menu["name"] == MENU_NAME and menu["richMenuId"] != menu_id:
            await api.call("DELETE", f"/v2/bot/richmenu/{menu['richMenuId']}")
    return menu_id


async def setup(access_token: str, api_base: str, data_api_base: str, font: Path) -> str:
    request = menu_request(tiles())
    image = menu_image(request, font)
    # An image upload may take longer than a reply.
    api = LineApi(access_token, api_base, data_base_url=data_api_base, timeout=30.0)
    try:
        return await install(api, request, image)
    finally:
        await api.close()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Create the LINE account's rich menu and make it the default.")
    parser.add_argument("--image-only", type=Path, metavar="PNG", help="only draw the menu's image into PNG")
    args = parser.parse_args(argv)
    settings.start("LINE rich menu setup", settings.LineSettings)
    line = settings.current(settings.LineSettings)
    try:
        font = font_path(line.menu_font)
        if args.image_only:
            args.image_only.write_bytes(menu_image(menu_request(tiles()), font))
            print(f"rich menu image written to {args.image_only}")
            return 0
        if not line.access_token:
            print(
                "LINE_CHANNEL_ACCESS_TOKEN is not set: the rich menu needs the channel's access token.", file=sys.stderr
            )
            return 2
        menu_id = asyncio.run(setup(line.access_token, line.api_base, line.data_api_base, font))
    except (FileNotFoundError, ValueError, LineApiError, aiohttp.ClientError, asyncio.TimeoutError) as error:
        print(f"rich menu not set up: {error}", file=sys.stderr)
        return 1
    print(f"rich menu {menu_id} is now every user's default")
    return 0


if __name__ == "__main__":
    sys.exit(main())
