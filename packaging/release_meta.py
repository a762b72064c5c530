"""Release metadata for scripts/package: licenses/ and sbom.cdx.json of a release tree.

usage: release_meta.py TREE RUNTIME_CLASSPATH_TXT BOM_JSON

licenses/: for every jar bundled into lib/airlock.jar (the runtime class path Maven resolved), its
own LICENSE/NOTICE/COPYING files, copied out of the jar; a jar that carries none gets
LICENSE.txt naming the license(s) its POM declares (from the CycloneDX SBOM), with the full text
when another bundled jar carries it (or, for Apache-2.0 and MPL-2.0, Debian's common-licenses), or
the project's own copy under packaging/licenses/<groupId>.txt (taken from the project's sources:
Bouncy Castle's LICENSE.java, protobuf's LICENSE). A jar left without any full license text fails
the packaging. The Java runtime's own notices stay in runtime/legal/.
sbom.cdx.json: the CycloneDX SBOM Maven wrote, plus the jlink runtime as a component.
"""
import json
import os
import re
import sys
import zipfile

tree, cp_file, bom_file = sys.argv[1:4]
jars = [p for p in open(cp_file).read().strip().split(os.pathsep) if p.endswith(".jar")]
bom = json.load(open(bom_file))
by_purl_key = {}
for c in bom.get("components", []):
    by_purl_key[(c.get("group"), c.get("name"), c.get("version"))] = c

LEGAL = re.compile(r"(^|/)(LICENSE|NOTICE|COPYING)([.-][^/]*)?$", re.IGNORECASE)
out_root = os.path.join(tree, "licenses")
os.makedirs(out_root, exist_ok=True)
texts = {}
missing = []
rows = []


def coords(jar):
    # .../repository/<group path>/<artifact>/<version>/<artifact>-<version>.jar
    parts = jar.split(os.sep)
    version, artifact = parts[-2], parts[-3]
    i = parts.index("repository") if "repository" in parts else None
    group = ".".join(parts[i + 1:-3]) if i is not None else ""
    return group, artifact, version


for jar in jars:
    group, artifact, version = coords(jar)
    d = os.path.join(out_root, f"{group}.{artifact}-{version}")
    os.makedirs(d, exist_ok=True)
    found = []
    with zipfile.ZipFile(jar) as z:
        for n in z.namelist():
            if n.endswith("/") or n.endswith(".class") or not LEGAL.search(n):
                continue
            data = z.read(n)
            name = n.replace("/", "_")
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            found.append(name)
            if b"Apache License" in data and b"Version 2.0" in data and len(data) > 9000:
                texts.setdefault("Apache-2.0", data)
    comp = by_purl_key.get((group, artifact, version), {})
    lic = []
    for l in comp.get("licenses", []):
        l = l.get("license", l)
        lic.append((l.get("id") or l.get("name") or "?", l.get("url", "")))
    rows.append((f"{group}:{artifact}:{version}", ", ".join(x[0] for x in lic) or "?", found))
    if not found:
        missing.append((d, lic, group))

# texts of the build machine's Debian base-files for licenses no bundled jar carries a copy of
for lid, fname in (("Apache-2.0", "Apache-2.0"), ("MPL-2.0", "MPL-2.0")):
    path = os.path.join("/usr/share/common-licenses", fname)
    if lid not in texts and os.path.exists(path):
        texts[lid] = open(path, "rb").read()

own_texts = os.path.join(os.path.dirname(os.path.abspath(__file__)), "licenses")
without_text = []
for d, lic, group in missing:
    with open(os.path.join(d, "LICENSE.txt"), "wb") as f:
        f.write(b"This jar carries no license file of its own. Its POM declares:\n")
        for lid, url in lic or [("(none declared)", "")]:
            f.write(f"  {lid} {url}\n".encode())
        f.write(b"\n")
        own = os.path.join(own_texts, group + ".txt")
        wrote = False
        if os.path.exists(own):
            f.write(open(own, "rb").read())
            wrote = True
        else:
            for lid, _ in lic:
                if lid in texts:
                    f.write(texts[lid])
                    wrote = True
    if not wrote:
        without_text.append(os.path.basename(d))
if without_text:
    sys.exit("release_meta: no full license text for " + ", ".join(without_text)
             + " (add packaging/licenses/<groupId>.txt from the project's own LICENSE)")

with open(os.path.join(out_root, "README.txt"), "w") as f:
    f.write("Third-party components bundled in lib/airlock.jar, their declared licenses (from\n"
            "sbom.cdx.json) and the license files found in each jar. The Java runtime's notices\n"
            "are in runtime/legal/.\n\n"
            "Modified files: class files older than Java 6 (picocli's) were rewritten by\n"
            "packaging/UpgradeOldClasses.java to the Java 8 class-file format with stack map tables\n"
            "(so the JVM's AOT cache can hold them); their instructions are unchanged. H2's resource\n"
            "archive org/h2/util/data.zip was unpacked into entries of the same names and bytes by\n"
            "packaging/unpack_h2_data.py (H2 reads each resource by name when the archive is absent).\n\n")
    for name, lic, found in rows:
        f.write(f"{name}\t{lic}\t{' '.join(found) or '(LICENSE.txt written from the POM)'}\n")

# the jlink runtime is part of the release too
rel = {}
for line in open(os.path.join(tree, "runtime", "release")):
    if "=" in line:
        k, v = line.rstrip("\n").split("=", 1)
        rel[k] = v.strip('"')
bom.setdefault("components", []).append({
    "type": "platform",
    "bom-ref": "airlock-runtime",
    "name": "java-runtime",
    "version": rel.get("JAVA_RUNTIME_VERSION", rel.get("JAVA_VERSION", "")),
    "supplier": {"name": rel.get("IMPLEMENTOR", "")},
    "description": "jlink image of the JDK's modules airlock needs (runtime/)",
    "licenses": [{"expression": "GPL-2.0-only WITH Classpath-exception-2.0"}],
    "properties": [{"name": "airlock:jlink-modules", "value": rel.get("MODULES", "")}],
})
with open(os.path.join(tree, "sbom.cdx.json"), "w") as f:
    json.dump(bom, f, indent=2)
    f.write("\n")
print(f"licenses: {len(rows)} components, {len(missing)} without a license file in the jar", file=sys.stderr)
