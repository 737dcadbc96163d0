"""Draw Berdaya's application icon (resources/icons/berdaya.ico and .png).

The icon is generated rather than drawn by hand so it can be rebuilt at any size without a
designer tool; the outputs are committed, so a build does not need to run this script.
Run: python installer/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = ROOT / "resources" / "icons"

# Dinas Sosial green with a warm accent: the three rising bars read as "empowered" (berdaya)
# and stay legible at 16 px, where text would not.
BACKGROUND = (22, 110, 72, 255)
FOREGROUND = (255, 255, 255, 255)
ACCENT = (250, 196, 64, 255)
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw_icon(size: int = 256) -> Image.Image:
    """Return the icon as an RGBA image of size x size pixels."""
    # Draw at 4x and downsample so edges are antialiased.
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BACKGROUND)

    unit = big / 16
    bar_width = 2.6 * unit
    base = 13 * unit
    heights = (3.5 * unit, 5.5 * unit, 7.5 * unit)
    for index, height in enumerate(heights):
        left = (2.6 + index * 3.9) * unit
        draw.rounded_rectangle(
            (left, base - height, left + bar_width, base),
            radius=unit * 0.5,
            fill=FOREGROUND,
        )
    # A head above the tallest bar turns the chart into a person standing up.
    cx = (2.6 + 2 * 3.9) * unit + bar_width / 2
    cy = base - heights[2] - 2.0 * unit
    radius = 1.35 * unit
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=ACCENT)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    image = draw_icon(256)
    image.save(ICON_DIR / "berdaya.png", optimize=True)
    image.save(ICON_DIR / "berdaya.ico", sizes=ICO_SIZES)


if __name__ == "__main__":
    main()
