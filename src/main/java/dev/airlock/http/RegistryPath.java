package dev.airlock.http;

import java.util.regex.Pattern;

/**
 * One {@code /v2/...} request path, parsed from the raw (still percent-encoded) path so that
 * nothing the server decodes or normalises can change which repository is asked for.
 *
 * <p>OCI Distribution Spec v1.1.0, "Pulling manifests": {@code <name>} MUST match
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*}; a tag MUST match
 * {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. The regexp already rules out {@code ..}, empty
 * components, {@code %} (so percent-encoded slashes) and control characters. One extension: the
 * first component may carry a {@code :port}, since the appliance's names start with the registry
 * host ({@code /v2/<registry-host>/<repository>/...}, DESIGN.md section 9).
 */
record RegistryPath(Kind kind, String name, String reference) {

  enum Kind { BASE, MANIFEST, BLOB, TAGS, REFERRERS }

  /** A request path that names no distribution-spec route, or names one badly. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    final String code;
    final int status;

    Invalid(String code, int status, String message) {
      super(message, null, false, false);
      this.code = code;
      this.status = status;
    }
  }

  /** Names longer than this are refused (distribution/reference: a name is at most 255 characters). */
  static final int MAX_NAME = 255;

  private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
  static final Pattern NAME = Pattern.compile(COMPONENT + "(?::[0-9]{1,5})?(?:/" + COMPONENT + ")*");
  static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
  /** The appliance stores and serves SHA-256 content only (OCI image-spec descriptor.md "Digests"). */
  static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
  /** {@code ?ns=}: a registry host, optionally with a port (containerd hosts.toml mirror form). */
  static final Pattern NS = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9.-]{0,252})(?::[0-9]{1,5})?");

  private static final String MANIFESTS = "/manifests/";
  private static final String BLOBS = "/blobs/";
  private static final String REFERRERS = "/referrers/";
  private static final String TAGS = "/tags/list";

  /**
   * Parses a raw path that starts with {@code /v2}.
   *
   * @throws Invalid 400 {@code NAME_INVALID} or {@code DIGEST_INVALID} for a route with a bad name
   *     or digest; 404 {@code MANIFEST_UNKNOWN} for a manifest reference that is no valid tag, 404
   *     {@code NAME_UNKNOWN} for no route at all
   */
  static RegistryPath parse(String rawPath) throws Invalid {
    if (rawPath.equals("/v2/") || rawPath.equals("/v2")) {
      return new RegistryPath(Kind.BASE, null, null);
    }
    if (!rawPath.startsWith("/v2/")) {
      throw new Invalid("NAME_UNKNOWN", 404, "no such route");
    }
    String rest = rawPath.substring("/v2/".length());
    // the name is everything before the last route marker, so a repository may be called "blobs"
    int m = rest.lastIndexOf(MANIFESTS);
    int b = rest.lastIndexOf(BLOBS);
    int r = rest.lastIndexOf(REFERRERS);
    Kind kind;
    String name;
    String ref = null;
    // "/tags/list" can only be the last marker when it ends the path: no other marker overlaps it
    if (rest.endsWith(TAGS) && rest.length() > TAGS.length()) {
      kind = Kind.TAGS;
      name = rest.substring(0, rest.length() - TAGS.length());
    } else if (m >= 0 && m >= b && m >= r) {
      kind = Kind.MANIFEST;
      name = rest.substring(0, m);
      ref = rest.substring(m + MANIFESTS.length());
    } else if (b >= 0 && b >= r) {
      kind = Kind.BLOB;
      name = rest.substring(0, b);
      ref = rest.substring(b + BLOBS.length());
    } else if (r >= 0) {
      kind = Kind.REFERRERS;
      name = rest.substring(0, r);
      ref = rest.substring(r + REFERRERS.length());
    } else {
      throw new Invalid("NAME_UNKNOWN", 404, "no such route");
    }
    checkName(name);
    switch (kind) {
      case MANIFEST -> {
        if (!TAG.matcher(ref).matches() && !DIGEST.matcher(ref).matches()) {
          if (ref.indexOf(':') >= 0) {
            throw new Invalid("DIGEST_INVALID", 400, "the reference is not a sha256 digest (sha256: and 64 "
                + "lowercase hex digits)");
          }
          // No tag of this form can exist, so none is known: 404, as the conformance suite expects
          // (conformance/01_pull_test.go "HEAD request to nonexistent manifest should return 404"
          // asks for ".INVALID_MANIFEST_NAME") and as distribution/distribution's router answers.
          throw new Invalid("MANIFEST_UNKNOWN", 404, "no such manifest: the reference is not a valid tag "
              + "([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}) or sha256 digest");
        }
      }
      case BLOB, REFERRERS -> {
        if (!DIGEST.matcher(ref).matches()) {
          throw new Invalid("DIGEST_INVALID", 400, "not a sha256 digest (sha256: and 64 lowercase hex digits)");
        }
      }
      default -> { }
    }
    return new RegistryPath(kind, name, ref);
  }

  static void checkName(String name) throws Invalid {
    if (name.isEmpty() || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      throw new Invalid("NAME_INVALID", 400, "invalid repository name (OCI distribution-spec v1.1 name rule, at most "
          + MAX_NAME + " characters)");
    }
  }

  /** Validates {@code ?ns=}: a registry host as containerd sends it. */
  static void checkNs(String ns) throws Invalid {
    if (ns != null && (ns.length() > 255 || !NS.matcher(ns).matches())) {
      throw new Invalid("NAME_INVALID", 400, "invalid ns parameter: not a registry host");
    }
  }

  boolean isDigestReference() {
    return reference != null && DIGEST.matcher(reference).matches();
  }
}
