"""Load an image file, its bytes or a bundled sample as a float RGB or grey array in [0, 1]."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from engines.errors import InputError
from engines.options import no_such

#: Largest image accepted, in pixels; a header claiming more is refused before decoding.
MAX_PIXELS = 100_000_000
SAMPLE_PREFIX = "sample:"
T = TypeVar("T")

#: scikit-image's images that ship inside the package (nothing is downloaded).
SKIMAGE_SAMPLES = (
    "astronaut", "brick", "camera", "cat", "cell", "checkerboard", "chelsea", "clock",
    "coffee", "coins", "colorwheel", "grass", "gravel", "horse", "hubble_deep_field",
    "immunohistochemistry", "logo", "microaneurysms", "moon", "page", "rocket", "text",
)  # fmt: skip
#: Gasworks' own samples: ``sample:NAME`` reads ``assets/samples/NAME.png`` (any working
#: directory). ``signature`` is made by :mod:`engines.stroke.signature`.
ASSET_SAMPLE_DIR = Path(__file__).resolve().parents[2] / "assets" / "samples"
ASSET_SAMPLES = ("signature",)
SAMPLES = SKIMAGE_SAMPLES + ASSET_SAMPLES


@dataclass(frozen=True)
class ImageBytes:
    """An image file's content read elsewhere, under the file's name (a batch's client sends
    it to a worker that cannot see the file); messages and output names use the name."""

    name: str
    data: bytes = field(repr=False)

    def __str__(self) -> str:
        return self.name


def is_sample(source: str | Path) -> bool:
    return isinstance(source, str) and source.startswith(SAMPLE_PREFIX)


def load_sample(name: str) -> np.ndarray:
    """Return the bundled image ``name`` (scikit-image's or Gasworks') as float in [0, 1].

    Returns
    -------
    image : (M, N) or (M, N, 3) ndarray of float64
    """
    from skimage import data, img_as_float

    if name not in SAMPLES:
        raise InputError(
            f"{SAMPLE_PREFIX}{name}", no_such("sample", name, SAMPLES, prefix=SAMPLE_PREFIX)
        )
    if name in ASSET_SAMPLES:
        return load_image(ASSET_SAMPLE_DIR / f"{name}.png")
    image = getattr(data, name)()
    if image.dtype == bool:
        image = image.astype(np.float64)
    image = img_as_float(image)
    if image.ndim == 3 and image.shape[2] == 4:
        image = _composite_on_white(image[..., :3], image[..., 3])
    return image


def _composite_on_white(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    return rgb * alpha[..., None] + (1.0 - alpha[..., None])


def _pil_to_float(img: Image.Image) -> np.ndarray:
    """Convert any Pillow mode to float RGB or grey in [0, 1], transparency over white."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        arr = np.asarray(img, dtype=np.float64) / 65535.0
    elif mode == "I":
        arr = np.asarray(img, dtype=np.float64)
        hi = 65535.0 if arr.max() > 255 else 255.0
        arr = np.clip(arr / hi, 0.0, 1.0)
    elif mode == "F":
        arr = np.asarray(img, dtype=np.float64)
        finite = arr[np.isfinite(arr)]
        if finite.size == 0:
            raise ValueError("the float image holds no finite values")
        lo, hi = float(finite.min()), float(finite.max())
        # Float TIFFs come in [0, 1] or in arbitrary units; stretch only the latter.
        if lo < 0.0 or hi > 1.0:
            arr = (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)
        arr = np.nan_to_num(np.clip(arr, 0.0, 1.0), nan=1.0)
    elif mode in ("1", "L"):
        arr = np.asarray(img.convert("L"), dtype=np.float64) / 255.0
    elif mode in ("LA", "La", "PA", "RGBA", "RGBa") or (mode == "P" and "transparency" in img.info):
        rgba = np.asarray(img.convert("RGBA"), dtype=np.float64) / 255.0
        arr = _composite_on_white(rgba[..., :3], rgba[..., 3])
    else:  # RGB, P, CMYK, YCbCr, LAB, HSV...
        arr = np.asarray(img.convert("RGB"), dtype=np.float64) / 255.0
    return np.ascontiguousarray(arr)


def load_image(source: str | Path | ImageBytes, *, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Load ``source`` (a path, ``sample:NAME`` or a file's bytes) as a float image in [0, 1].

    EXIF orientation is applied; transparency is composited on white; palette, CMYK, 16-bit
    and float images are converted; an animated image gives its first frame.

    Parameters
    ----------
    source : str, Path or ImageBytes
        A file path, ``sample:NAME`` for one of :data:`SAMPLES`, or a file's content.
    max_pixels : int
        Images whose header claims more pixels are refused before decoding (Pillow's own
        limit, ``Image.MAX_IMAGE_PIXELS``, does not apply below twice its value).

    Returns
    -------
    image : (M, N) or (M, N, 3) ndarray of float64

    Raises
    ------
    InputError
        Naming the source and the problem (missing, a folder, empty, not an image,
        truncated, too large).
    """
    if is_sample(source):
        return load_sample(str(source)[len(SAMPLE_PREFIX) :])
    return decode_image(source, _pil_to_float, max_pixels=max_pixels)


def decode_image(
    source: str | Path | ImageBytes,
    convert: Callable[[Image.Image], T],
    *,
    max_pixels: int = MAX_PIXELS,
) -> T:
    """The first frame of an image file (or its bytes), checked and decoded with its EXIF
    orientation applied, handed to ``convert`` (:func:`load_image` makes floats of it; the
    word counter reads a large page strip by strip). Errors are :func:`load_image`'s."""
    if isinstance(source, ImageBytes):
        path, size, content = source.name, len(source.data), io.BytesIO(source.data)
    else:
        path = content = Path(source)
        if not path.exists():
            raise InputError(path, "no such file")
        if path.is_dir():
            raise InputError(path, "is a folder, not an image file")
        size = path.stat().st_size
    if size == 0:
        raise InputError(path, "the file is empty (0 bytes)")
    try:
        with warnings.catch_warnings():
            # Pillow's own limit (89,478,485 pixels) would answer first; max_pixels is ours.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(content) as img:
                width, height = img.size
                if width * height > max_pixels:
                    raise InputError(path, _over_limit(width, height, max_pixels))
                if width < 1 or height < 1:
                    raise InputError(path, f"the image has no pixels ({width}x{height})")
                img.seek(0)
                img.load()
                ImageOps.exif_transpose(img, in_place=True)  # no copy of a large image
                return convert(img)
    except InputError:
        raise
    except UnidentifiedImageError:
        raise InputError(path, f"not an image ({_sniff(content)})") from None
    except Image.DecompressionBombError:  # more than twice Pillow's limit: over ours too
        width, height = _claimed_size(content) or (0, 0)
        raise InputError(path, _over_limit(width, height, max_pixels)) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InputError(path, f"the image data is damaged or truncated ({exc})") from None


def image_size(source: str | Path) -> tuple[int, int] | None:
    """(width, height) a file's header claims, read without decoding; None for a sample, a
    missing file or anything Pillow cannot open (:func:`load_image` then says why)."""
    if is_sample(source):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source) as img:
                return img.size
    except Exception:  # whatever it is, load_image names the problem
        return None


def _over_limit(width: int, height: int, max_pixels: int) -> str:
    if width and height:
        claimed = f"{width}x{height} pixels"
    else:  # a header no plugin reads alone: Pillow refused it for more than twice its limit
        claimed = f"more than {2 * (Image.MAX_IMAGE_PIXELS or 0):,} pixels"
    return (
        f"the image claims {claimed}, over the limit of {max_pixels:,} (a corrupt header or "
        "a decompression bomb)"
    )


def _claimed_size(content: Path | io.BytesIO) -> tuple[int, int] | None:
    """The size in an image's header, read by Pillow's format plugins without Pillow's own
    pixel limit (which :func:`Image.open` applies), so a refusal can say what was claimed."""
    Image.init()
    try:
        handle = content.open("rb") if isinstance(content, Path) else io.BytesIO(content.getvalue())
    except OSError:
        return None
    with handle:
        prefix = handle.read(16)
        for format_id in Image.ID:
            factory, accept = Image.OPEN[format_id]
            if accept is not None and not accept(prefix):
                continue
            handle.seek(0)
            try:
                return factory(handle, "").size
            except Exception:  # not this format (plugins raise many kinds): try the next
                continue
    return None


def _sniff(content: Path | io.BytesIO) -> str:
    """Describe briefly what a non-image file holds, for the error message."""
    if isinstance(content, Path):
        with content.open("rb") as handle:
            head = handle.read(512)
    else:
        head = content.getvalue()[:512]
    if not head:
        return "empty file"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return f"unknown binary data starting with {head[:8].hex(' ')}"
    snippet = text.strip().splitlines()[0][:40] if text.strip() else ""
    return f"found text: {snippet!r}"


def sample_sizes() -> list[tuple[str, tuple[int, ...]]]:
    """Name and array shape of every bundled sample."""
    return [(name, load_sample(name).shape) for name in SAMPLES]
