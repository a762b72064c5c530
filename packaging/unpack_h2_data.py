#!/usr/bin/env python3
"""packaging/unpack_h2_data.py JAR: H2's resource archive, unpacked into the release jar.

H2 keeps its resources (error messages, SQL help, web console files) in one stored zip inside
its jar, org/h2/util/data.zip, and reads any of them by walking that zip from its first entry:
its exception class's initialiser, which every database open runs, reads 650 KB of it to reach
org/h2/res/_messages_en.prop (issue 17: 19 ms of a cold re-import's main thread waited on it,
sampled). Without data.zip, H2 reads a resource from the class path by its own name
(org.h2.util.Utils.loadResource), so each of its entries becomes a jar entry of the same name and
bytes. GraalVM hints (META-INF/) are left out. The jar is rewritten to a temp file, every entry
checked, then renamed over the original; any problem leaves the jar unchanged and exits 1.
"""
import io
import os
import sys
import zipfile

DATA = "org/h2/util/data.zip"


def main(jar):
    with zipfile.ZipFile(jar) as z:
        names = z.namelist()
        if DATA not in names:
            sys.exit(f"unpack_h2_data: {jar}: no {DATA} (another H2 version? check org.h2.util.Utils)")
        data = zipfile.ZipFile(io.BytesIO(z.read(DATA)))
        unpacked = {}
        for info in data.infolist():
            if info.is_dir() or info.filename.startswith("META-INF/"):
                continue
            if info.filename in names:
                sys.exit(f"unpack_h2_data: {jar}: {info.filename} is already in the jar")
            unpacked[info.filename] = (info, data.read(info))
        if "org/h2/res/_messages_en.prop" not in unpacked:
            sys.exit(f"unpack_h2_data: {DATA} holds no org/h2/res/_messages_en.prop")
        tmp = jar + ".unpack-tmp"
        with zipfile.ZipFile(tmp, "w") as out:
            for info in z.infolist():
                if info.filename != DATA:
                    out.writestr(info, z.read(info), compress_type=info.compress_type)
            for name, (info, content) in unpacked.items():
                entry = zipfile.ZipInfo(name, date_time=info.date_time)
                entry.external_attr = info.external_attr
                out.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(tmp) as check:
        if check.testzip() is not None or DATA in check.namelist():
            os.unlink(tmp)
            sys.exit(f"unpack_h2_data: {tmp}: the rewritten jar does not check")
        for name, (_, content) in unpacked.items():
            if check.read(name) != content:
                os.unlink(tmp)
                sys.exit(f"unpack_h2_data: {name} differs after the rewrite")
        with zipfile.ZipFile(jar) as orig:
            for info in orig.infolist():
                if info.filename != DATA and check.read(info.filename) != orig.read(info):
                    os.unlink(tmp)
                    sys.exit(f"unpack_h2_data: {info.filename} differs after the rewrite")
    os.replace(tmp, jar)
    print(f"unpack_h2_data: {DATA} unpacked into {len(unpacked)} entries of {os.path.basename(jar)}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: packaging/unpack_h2_data.py JAR")
    main(sys.argv[1])
