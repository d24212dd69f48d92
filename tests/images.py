"""Image and archive files for upload tests, images written without holding their pixels in
memory."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int, height: int, name: str = "huge.png") -> SimpleUploadedFile:
    """A valid RGB PNG of width × height black pixels: tiny on disk (6300 × 6300 is about
    170 KB), but 3 bytes a pixel once decoded. Built row by row, so the test never holds them."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + 3 * width)  # filter byte, then the row's pixels
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    content = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(name, content, content_type="image/png")


def image_upload(name="photo.jpg", size=(40, 30), fmt="JPEG", **save) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def png_bytes(size=(8, 8)) -> bytes:
    """A small real PNG's bytes."""
    return image_upload("small.png", size=size, fmt="PNG").read()


def zip_of(files: dict[str, bytes]) -> bytes:
    """A deflated zip archive holding `files` (name → bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
