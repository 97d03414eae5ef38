"""Visit packages as files: a zip of JSON parts, its manifest signed by the server that exported it.

An export (made on the server) holds:

- ``manifest.json``: the format, the package's id, the server's id, the trainer, the gids of the
  enterprises it carries, the factor set, when, and the SHA-256 of ``visit.json``;
- ``signature.txt``: HMAC-SHA256 of ``manifest.json`` with the server's secret (:func:`server_key`,
  made on first use and kept in the table ``settings``; it never leaves the server);
- ``visit.json``: the records as exported (the base of the three-way merge), the enterprises,
  the partners and clusters (names, for the pickers), and the trainer's account (user name and
  password hash: that trainer's only; other trainers of the enterprises by name only).

A pack (made on the laptop) is the export's three parts unchanged, plus ``laptop.json``: the
records as the laptop has them now. The laptop cannot sign it (it does not know the secret);
the server checks that the export is one it signed, that ``visit.json`` is the one signed, and
then which records the laptop's part may change (``tracker.visits``).
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import secrets
import uuid
import zipfile
from dataclasses import dataclass

from sqlalchemy.orm import Session

from metrics.i18n import _
from tracker.models import Setting

FORMAT = 1
MANIFEST, SIGNATURE, VISIT, LAPTOP = "manifest.json", "signature.txt", "visit.json", "laptop.json"
#: the most a package may unpack to (a trainer's enterprises are some thousands of records)
MAX_UNPACKED = 100 * 1024 * 1024


class PackageError(ValueError):
    """The file is not a visit package this server can read or trust (the message says why)."""


def _setting(session: Session, name: str, make) -> str:
    row = session.get(Setting, name)
    if row is None:
        row = Setting(name=name, value=make())
        session.add(row)
        session.flush()
    return row.value


def server_id(session: Session) -> str:
    """This server's identity (a UUID made on first use)."""
    return _setting(session, "server_id", lambda: str(uuid.uuid4()))


def server_key(session: Session) -> bytes:
    """This server's secret for signing visit packages (32 random bytes, made on first use)."""
    return bytes.fromhex(_setting(session, "visit_key", lambda: secrets.token_hex(32)))


def sign(key: bytes, manifest: bytes) -> str:
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


def dump(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Package:
    """A package as read: the manifest and its signature, the export's part and (in a pack) the
    laptop's, each as the bytes it was and parsed."""

    manifest_bytes: bytes
    signature: str
    visit_bytes: bytes
    laptop_bytes: bytes | None

    @property
    def manifest(self) -> dict:
        return json.loads(self.manifest_bytes)

    @property
    def visit(self) -> dict:
        return json.loads(self.visit_bytes)

    @property
    def laptop(self) -> dict | None:
        return None if self.laptop_bytes is None else json.loads(self.laptop_bytes)


def build_export(key: bytes, manifest: dict, visit: dict) -> bytes:
    """The export's file: ``manifest`` (with the hash of ``visit`` added) signed with ``key``."""
    visit_bytes = dump(visit)
    manifest_bytes = dump({**manifest, "format": FORMAT, "visit_sha256": hashlib.sha256(visit_bytes).hexdigest()})
    return _zip({MANIFEST: manifest_bytes, SIGNATURE: sign(key, manifest_bytes).encode(), VISIT: visit_bytes})


def build_pack(package: Package, laptop: dict) -> bytes:
    """The pack's file: the export's parts as they came, and the laptop's records."""
    return _zip({MANIFEST: package.manifest_bytes, SIGNATURE: package.signature.encode(),
                 VISIT: package.visit_bytes, LAPTOP: dump(laptop)})


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buffer.getvalue()


def read(data: bytes) -> Package:
    """The parts of a package or pack; PackageError when it is not one (or unpacks to too much)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = {i.filename: i for i in z.infolist()}
            if not {MANIFEST, SIGNATURE, VISIT} <= set(infos) or set(infos) - {MANIFEST, SIGNATURE, VISIT, LAPTOP}:
                raise PackageError(_("This is not a visit package: it does not hold the parts a package holds."))
            if sum(i.file_size for i in infos.values()) > MAX_UNPACKED:
                raise PackageError(_("This package unpacks to more than {size} MB: it is not one this tracker "
                                     "made.").format(size=MAX_UNPACKED // 2**20))
            parts = {}
            for name in infos:
                with z.open(name) as f:
                    parts[name] = f.read(MAX_UNPACKED + 1)
                if len(parts[name]) > MAX_UNPACKED:  # a size declared smaller than it is
                    raise PackageError(_("This package's parts are larger than they say: it is not one this tracker "
                                         "made."))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, KeyError, ValueError) as exc:
        if isinstance(exc, PackageError):
            raise
        raise PackageError(_("This file is not a visit package (not a zip file this tracker made).")) from None
    package = Package(parts[MANIFEST], parts[SIGNATURE].decode("ascii", "replace").strip(), parts[VISIT],
                      parts.get(LAPTOP))
    try:
        manifest, visit = package.manifest, package.visit
        laptop = package.laptop
    except ValueError:
        raise PackageError(_("A part of this package is not readable JSON.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(visit, dict):
        raise PackageError(_("This package is of a format this tracker does not read."))
    if hashlib.sha256(package.visit_bytes).hexdigest() != manifest.get("visit_sha256"):
        raise PackageError(_("This package's exported records are not the ones its manifest names: the file was "
                             "altered."))
    if laptop is not None and (not isinstance(laptop, dict) or laptop.get("package_id") != manifest.get("package_id")):
        raise PackageError(_("This pack's laptop part belongs to another package."))
    return package


def verify(session: Session, package: Package) -> None:
    """PackageError unless this server signed the package's manifest (and so its exported records)."""
    manifest = package.manifest
    if manifest.get("server_id") != server_id(session):
        raise PackageError(_("This package was exported by another server: merge it into the server it came from."))
    if not hmac.compare_digest(sign(server_key(session), package.manifest_bytes), package.signature):
        raise PackageError(_("This package's signature does not hold: its manifest was altered, or it was not "
                             "exported by this server."))
