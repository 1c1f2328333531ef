"""Photos as published: several widths, no metadata, right colours, and clean errors for bad files."""
from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms

import handbill.images as images
from conftest import MINIMAL, build_files, jpeg_bytes, parse_html, story, write_project
from handbill import BuildFailed
from handbill.images import ImageProblem, publish_image


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (59.0, 19.0, 42.5), 3: "E", 4: (18.0, 4.0, 7.25)}
    return exif.tobytes()


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png16(width: int, height: int, color_type: int, sample: tuple[int, ...]) -> bytes:
    """A 16-bit PNG (Pillow cannot write one in colour)."""
    row = b"\x00" + struct.pack(f">{len(sample)}H", *sample) * width
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(row * height)) + png_chunk(b"IEND", b""))


def publish(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return publish_image(path)


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- widths and metadata ----------------------------------------------------------------------------

def test_a_large_photo_is_published_at_several_widths_without_metadata(tmp_path):
    photo = encoded(Image.new("RGB", (2400, 1600), (10, 120, 200)), "JPEG", exif=gps_exif(),
                    comment=b"taken at home", icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    published = publish(tmp_path, "maria.jpg", photo)
    sizes = [(r.width, r.height) for r in published.renditions]
    assert sizes == [(480, 320), (960, 640), (1600, 1067)]
    assert published.path == published.renditions[-1].path and published.width == 1600
    for rendition in published.renditions:
        image = opened(rendition.data)
        assert (image.format, image.size) == ("JPEG", (rendition.width, rendition.height))
        assert dict(image.getexif()) == {}
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
        assert b"PhoneMaker" not in rendition.data and b"taken at home" not in rendition.data
    assert published.srcset(lambda p: "/" + p) == ", ".join(f"/{r.path} {r.width}w" for r in published.renditions)


def test_a_small_photo_has_one_copy_and_no_srcset(tmp_path):
    published = publish(tmp_path, "small.png", encoded(Image.new("RGB", (500, 300), "red"), "PNG"))
    assert published.smaller == () and published.srcset(str) == ""


PHOTO_WORLD = {
    **MINIMAL,
    "content/en/c/stories/maria.md": story("Maria", "![The well](well.jpg)",
                                           extra="image: maria.jpg\nimage_alt: Maria at the well\n"),
    "content/en/c/stories/maria.jpg": encoded(Image.new("RGB", (1200, 800), "green"), "JPEG", exif=gps_exif()),
    "content/en/c/stories/well.jpg": encoded(Image.new("RGB", (1000, 1000), "blue"), "JPEG", exif=gps_exif()),
}


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory):
    return build_files(write_project(tmp_path_factory.mktemp("photos"), PHOTO_WORLD), cards=True, card_workers=1)


def test_every_published_image_is_free_of_exif_and_gps(photo_site):
    published = {rel: data for rel, data in photo_site.items() if rel.startswith("img/") or rel.endswith(".jpg")}
    assert len([rel for rel in published if rel.startswith("img/")]) == 5  # 1200 px: 480, 960, full; 1000 px: 480, full
    assert len(published) == 5 + 2  # and the two share cards
    for rel, data in published.items():
        image = opened(data)
        assert dict(image.getexif()) == {}, rel
        assert b"PhoneMaker" not in data and b"Exif\x00\x00" not in data, rel


def test_body_photos_get_srcset_and_sizes(photo_site):
    tree = parse_html(photo_site["c/stories/maria/index.html"])
    (img,) = [i for i in tree.iter("img") if i.get("alt") == "The well"]
    candidates = [part.strip().split(" ") for part in img.get("srcset").split(",")]
    assert [width for _, width in candidates] == ["480w", "1000w"]
    for url, width in candidates:
        assert opened(photo_site[url.lstrip("/")]).width == int(width[:-1])
    assert img.get("sizes") and (img.get("width"), img.get("height")) == ("1000", "1000")


# --- colours --------------------------------------------------------------------------------------------

def close(a, b, tolerance=12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def test_cmyk_jpeg_comes_out_rgb_with_its_colour(tmp_path):
    published = publish(tmp_path, "cmyk.jpg", encoded(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG"))
    image = opened(published.data)
    assert image.mode == "RGB" and close(image.getpixel((20, 15)), (255, 0, 0))


def test_a_colour_profile_is_applied_then_dropped(tmp_path):
    """A photo tagged with a profile that swaps nothing but is not sRGB comes out in sRGB without the tag."""
    wide = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    published = publish(tmp_path, "p3.jpg", encoded(Image.new("RGB", (40, 30), (200, 60, 20)), "JPEG",
                                                   icc_profile=wide.tobytes()))
    image = opened(published.data)
    assert "icc_profile" not in image.info and close(image.getpixel((5, 5)), (200, 60, 20))


def test_sixteen_bit_png_keeps_its_levels(tmp_path):
    grey = opened(publish(tmp_path, "grey16.png", png16(8, 8, 0, (40000,))).data)
    assert grey.mode == "L" and abs(grey.getpixel((1, 1)) - 40000 // 256) <= 1  # not clipped to white
    colour = opened(publish(tmp_path, "rgb16.png", png16(8, 8, 2, (65535, 32768, 0))).data)
    assert close(colour.getpixel((1, 1)), (255, 128, 0), 2)


def test_palette_and_transparent_images_keep_their_look(tmp_path):
    palette = Image.new("P", (20, 10))
    palette.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    palette.paste(1, (10, 0, 20, 10))
    published = opened(publish(tmp_path, "pal.png", encoded(palette, "PNG", transparency=0)).data)
    rgba = published.convert("RGBA")
    assert rgba.getpixel((2, 2))[3] == 0 and close(rgba.getpixel((15, 5)), (0, 0, 255, 255))
    clear = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    clear.paste((0, 200, 0, 255), (0, 0, 10, 10))
    for name, fmt in (("t.png", "PNG"), ("t.webp", "WEBP")):
        image = opened(publish(tmp_path, name, encoded(clear, fmt, **({"lossless": True} if fmt == "WEBP" else {}))).data)
        assert image.mode == "RGBA" and image.getpixel((15, 5))[3] == 0 and close(image.getpixel((5, 5)), (0, 200, 0, 255))


def test_a_wide_transparent_png_is_resized_without_losing_its_palette(tmp_path):
    palette = Image.new("P", (2000, 100))
    palette.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    published = publish(tmp_path, "wide.png", encoded(palette, "PNG", transparency=1))
    assert [r.width for r in published.renditions] == [480, 960, 1600]
    assert close(opened(published.smaller[0].data).convert("RGBA").getpixel((10, 10)), (255, 0, 0, 255))


# --- files that must be refused ---------------------------------------------------------------------------

def bomb_png(width: int = 60000, height: int = 60000) -> bytes:
    """A tiny file that says it holds billions of pixels."""
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + png_chunk(b"IEND", b""))


@pytest.mark.parametrize("name, data, words", [
    ("bomb.png", bomb_png(), "decompression bomb"),
    ("big.png", bomb_png(8000, 6000), "too large"),
    ("cut.jpg", jpeg_bytes(300, 200)[:400], "damaged or cut short"),
    ("noise.jpg", b"\xff\xd8\xff" + bytes(range(256)) * 4, "damaged"),
    ("empty.png", b"", "damaged or not an image"),
    ("drawing.jpg", encoded(Image.new("RGB", (10, 10)), "PNG"), "really a PNG file"),
    ("page.jpg", b"<!doctype html><title>Photo</title>", "web page"),
    ("phone.jpg", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
    ("scan.png", b"%PDF-1.7\n", "PDF"),
    ("scan.gif", encoded(Image.new("RGB", (10, 10)), "TIFF"), "TIFF"),
])
def test_bad_files_are_refused_with_a_plain_message(tmp_path, name, data, words):
    started = time.perf_counter()
    with pytest.raises(ImageProblem) as problem:
        publish(tmp_path, name, data)
    assert time.perf_counter() - started < 5
    assert words in problem.value.message and name in problem.value.message and problem.value.hint


def test_a_mislabelled_photo_says_what_to_rename_it_to(tmp_path):
    with pytest.raises(ImageProblem) as problem:
        publish(tmp_path, "drawing.jpg", encoded(Image.new("RGB", (10, 10)), "PNG"))
    assert "drawing.png" in problem.value.hint


def test_an_animation_too_large_in_total_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_ANIMATION_PIXELS", 5 * 100 * 100)
    frames = [Image.new("RGB", (100, 100), (30 * i, 0, 0)) for i in range(8)]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(ImageProblem) as problem:
        publish(tmp_path, "anim.gif", data)
    assert "8 frames" in problem.value.message


def test_a_bomb_in_a_story_fails_the_build_naming_the_story_and_the_file(make_project):
    project = make_project({**MINIMAL, "content/en/c/stories/maria.md": story("Maria", extra="image: m.png\nimage_alt: M\n"),
                            "content/en/c/stories/m.png": bomb_png()})
    with pytest.raises(BuildFailed) as failed:
        build_files(project)
    (error,) = failed.value.diagnostics.errors
    assert (error.path, error.line) == ("content/en/c/stories/maria.md", 4)
    assert "m.png" in error.message and "decompression bomb" in error.message


def _photo_like(width: int = 900, height: int = 600, mode: str = "RGB") -> Image.Image:
    """Noise over a gradient: as many colours as a photo, which PNG cannot squeeze."""
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    photo = Image.blend(noise, Image.linear_gradient("L").resize((width, height)).convert("RGB"), 0.5)
    return photo.convert(mode)


@pytest.mark.parametrize("source, published", [
    (_photo_like(), "JPEG"),                                  # a photo saved as PNG (a screenshot, "save as")
    (_photo_like(mode="RGBA"), "JPEG"),                       # with an alpha channel nobody uses
    (Image.new("RGB", (800, 500), (30, 80, 160)), "PNG"),     # a drawing: flat colours stay sharp
    (Image.merge("RGBA", (*_photo_like().split(), Image.new("L", (900, 600), 128))), "PNG"),  # see-through
])
def test_a_photo_saved_as_png_is_published_as_jpeg_and_a_drawing_stays_png(tmp_path, source, published):
    data = encoded(source, "PNG")
    image = publish(tmp_path, "picture.png", data)
    copies = [image.path, *(copy.path for copy in image.renditions)]
    assert {Image.open(io.BytesIO(copy.data)).format for copy in image.renditions} == {published}
    assert all(path.endswith(".jpg" if published == "JPEG" else ".png") for path in copies)
    if published == "JPEG":
        assert len(image.data) * 3 < len(encoded(source, "PNG", optimize=True))
