#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints the fields of a Windows Shell link (.lnk) as NAME=VALUE lines, read from its binary
format ([MS-SHLLINK]) without any Windows code, so a test can check what the Shell wrote:
target (LinkInfo's local base path), arguments, workdir, icon, icon_index, description,
show (the window's show command).  Usage: read_lnk.py FILE.lnk"""
import struct
import sys

HAS_ID_LIST, HAS_LINK_INFO, HAS_NAME, HAS_RELATIVE_PATH = 0x1, 0x2, 0x4, 0x8
HAS_WORKING_DIR, HAS_ARGUMENTS, HAS_ICON_LOCATION, IS_UNICODE = 0x10, 0x20, 0x40, 0x80
LINK_CLSID = bytes.fromhex("0114020000000000c000000000000046")


def cstring(data, at, wide):
    if wide:
        end = at
        while data[end:end + 2] != b"\0\0":
            end += 2
        return data[at:end].decode("utf-16-le")
    return data[at:data.index(b"\0", at)].decode("mbcs" if sys.platform == "win32" else "latin-1")


def parse(data):
    size, clsid, flags = struct.unpack_from("<I16sI", data, 0)
    if size != 0x4C or clsid != LINK_CLSID:
        raise ValueError("not a Shell link")
    icon_index, show = struct.unpack_from("<iI", data, 56)
    fields = {"icon_index": str(icon_index), "show": str(show)}
    at = 0x4C
    if flags & HAS_ID_LIST:
        (n,) = struct.unpack_from("<H", data, at)
        at += 2 + n
    if flags & HAS_LINK_INFO:
        info_size, header_size, _, _, base_off, _, suffix_off = struct.unpack_from("<7I", data, at)
        if header_size >= 0x24:
            base_u, suffix_u = struct.unpack_from("<2I", data, at + 28)
            target = cstring(data, at + base_u, True) + cstring(data, at + suffix_u, True)
        else:
            target = cstring(data, at + base_off, False) + cstring(data, at + suffix_off, False)
        fields["target"] = target
        at += info_size
    wide = bool(flags & IS_UNICODE)
    for flag, name in ((HAS_NAME, "description"), (HAS_RELATIVE_PATH, "relative_path"),
                       (HAS_WORKING_DIR, "workdir"), (HAS_ARGUMENTS, "arguments"),
                       (HAS_ICON_LOCATION, "icon")):
        if flags & flag:
            (n,) = struct.unpack_from("<H", data, at)
            at += 2
            raw = data[at:at + (2 * n if wide else n)]
            at += len(raw)
            # Wine counts the terminating NUL too ([MS-SHLLINK] does not): not part of the text.
            fields[name] = (raw.decode("utf-16-le") if wide else raw.decode("latin-1")).rstrip("\0")
    return fields


def main():
    with open(sys.argv[1], "rb") as f:
        fields = parse(f.read())
    for key in sorted(fields):
        print(f"{key}={fields[key]}")


if __name__ == "__main__":
    main()
