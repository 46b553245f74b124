"""Writing a FRUS volume into the site: its page and one copy of its TEI (``write_edition_pages`` calls it)."""

from __future__ import annotations

from pathlib import Path

from .model import Volume
from .site import SiteWriter


def write_volume(site: SiteWriter, volume: Volume) -> None:
    """The volume's page (contents, front and back matter) and its TEI, copied once."""
    site.page(volume.url, "volume.html", volume=volume)
    site.copy_file(Path(volume.source_path), f"tei/memos/{volume.tei_name}")
