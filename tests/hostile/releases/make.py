#!/usr/bin/env python3
"""Writes the parser-differential releases of the hostile corpus: archives that tar-rs and
flate2 (the checker) and `gzip -dc | tar` (a server) would read differently. Each is written
byte by byte (no tar library: the point is what a library would refuse to write), with a
manifest whose checksum is right, so only the checker's reading can refuse it.
Run from this folder: python3 make.py (the outputs are committed; CI does not run this)."""
import gzip, hashlib, io, os

def header(name, typ=b"0", size=0, mode=0o644, link=b""):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"%07o\0" % mode
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"00000000000\0"
    h[156:157] = typ
    h[157:157 + len(link)] = link
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)

def entry(name, data=b"", typ=b"0", mode=0o644, link=b""):
    pad = (512 - len(data) % 512) % 512
    return header(name, typ, len(data), mode, link) + data + b"\0" * pad

def pax(*records):
    body = b""
    for key, value in records:
        rec = b" " + key + b"=" + value + b"\n"
        n = len(rec) + 1
        while len(str(n).encode()) + len(rec) != n:
            n += 1
        body += str(n).encode() + rec
    return body

END = b"\0" * 1024
HC = b"#!/bin/sh\nexit 0\n"

def gz(data):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(data)
    return out.getvalue()

def write(case, version, data, files=1):
    tar = f"app-{version}.tar.gz"
    with open(tar, "wb") as f:
        f.write(data)
    sha = hashlib.sha256(data).hexdigest()
    with open(f"app-{version}.release.toml", "w") as f:
        f.write(f"# hostile corpus: {case}\nname = \"app\"\nversion = \"{version}\"\n"
                f"tarball = \"{tar}\"\nsha256 = \"{sha}\"\nsize = {len(data)}\nfiles = {files}\n")

# 1. a second gzip member: the checker sees a harmless release, gzip -dc adds a device,
# a FIFO and a link out of the release (the first member's archive has no end blocks)
first = gz(entry(b"bin/health-check", HC, mode=0o755))
second = gz(entry(b"null", typ=b"3", mode=0o666) + entry(b"pipe", typ=b"6")
            + entry(b"etc", typ=b"2", mode=0o777, link=b"../../../../etc") + END)
write("two gzip members", "9.1.0", first + second)

# 2. one pax header naming the entry twice: tar-rs took the first, GNU tar the last
p = pax((b"path", b"bin/checked"), (b"path", b"bin/health-check"))
write("pax path twice", "9.2.0", gz(entry(b"PaxHeaders/x", p, typ=b"x")
      + entry(b"bin/checked", b"#!/bin/sh\ntouch /tmp/jinbao-hostile-pax\n", mode=0o755) + END))

# 3. the same for a link's target
p = pax((b"linkpath", b"bin"), (b"linkpath", b"../../../etc"))
write("pax linkpath twice", "9.3.0", gz(entry(b"bin", typ=b"5", mode=0o755)
      + entry(b"PaxHeaders/x", p, typ=b"x") + entry(b"conf", typ=b"2", mode=0o777, link=b"bin")
      + END))

# 4. a path written first as a file, later as a link with `..` that stays inside from where
# it is, plus a hard link to it: GNU tar links the link itself one level up, out of the release
write("file then link", "9.4.0", gz(entry(b"a/b/x", b"harmless\n")
      + entry(b"a/b/x", typ=b"2", mode=0o777, link=b"../../c")
      + entry(b"y", typ=b"1", link=b"a/b/x") + END))

# 5. a GNU long name of 64 MiB of zeros in a small release (the checker read it whole)
long = b"\0" * (64 << 20)
write("long name bomb", "9.5.0", gz(entry(b"././@LongLink", long, typ=b"L")
      + entry(b"bin/health-check", HC, mode=0o755) + END))

# 6. a pax size that disagrees with the header's
p = pax((b"size", b"0"),)
write("pax size", "9.6.0", gz(entry(b"PaxHeaders/x", p, typ=b"x")
      + entry(b"bin/health-check", HC, mode=0o755) + END))

# 7. a global pax header that renames every entry after it
p = pax((b"path", b"../../etc/cron.d/x"),)
write("global pax path", "9.7.0", gz(entry(b"GlobalHead", p, typ=b"g")
      + entry(b"bin/health-check", HC, mode=0o755) + END))

# 8. a directory that carries 64 MiB of data (counted by no bound before)
write("folder with data", "9.8.0", gz(entry(b"bin", b"\0" * (64 << 20), typ=b"5", mode=0o755)
      + entry(b"bin/health-check", HC, mode=0o755) + END))
