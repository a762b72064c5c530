package dev.airlock.lab;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a Fulcio-like leaf certificate says. Build with {@link #uri}, {@link #email} or
 * {@link #otherName} and adjust with the {@code with*} methods (each returns a copy).
 *
 * @param sanType "uri", "email" or "otherName" (OtherName 1.3.6.1.4.1.57264.1.7, UTF8String)
 * @param san the identity value
 * @param issuer OIDC issuer, written as extension 1.3.6.1.4.1.57264.1.8 (DER UTF8String); null for none
 * @param legacyIssuer also write deprecated 1.3.6.1.4.1.57264.1.1 (raw bytes)
 * @param extensions further Fulcio extensions by last OID arc: 2..6 (the deprecated GitHub workflow
 *     extensions) as raw bytes, 9..24 as DER UTF8String values
 * @param validity notAfter - notBefore (Fulcio: 10 minutes)
 * @param codeSigningEku include EKU codeSigning (false: for rejection tests)
 * @param digitalSignatureKu key usage digitalSignature (false: keyCertSign instead, for rejection tests)
 * @param embedSct embed an SCT from the lab CT log
 */
public record LeafSpec(String sanType, String san, String issuer, boolean legacyIssuer,
    Map<Integer, String> extensions, Duration validity, boolean codeSigningEku,
    boolean digitalSignatureKu, boolean embedSct) {

  public LeafSpec {
    extensions = Map.copyOf(extensions);
  }

  public static final String DEFAULT_ISSUER = "https://oidc.lab.internal";

  public static LeafSpec uri(String uri) {
    return new LeafSpec("uri", uri, DEFAULT_ISSUER, false, Map.of(), Duration.ofMinutes(10), true, true, true);
  }

  public static LeafSpec email(String email) {
    return new LeafSpec("email", email, DEFAULT_ISSUER, false, Map.of(), Duration.ofMinutes(10), true, true, true);
  }

  public static LeafSpec otherName(String user) {
    return new LeafSpec("otherName", user, DEFAULT_ISSUER, false, Map.of(), Duration.ofMinutes(10), true, true, true);
  }

  /** A GitHub-Actions-like identity with the usual build extensions (.9 to .22). */
  public static LeafSpec githubWorkflow(String repo, String workflowPath, String ref) {
    String uri = "https://github.com/" + repo + "/" + workflowPath + "@" + ref;
    Map<Integer, String> x = new TreeMap<>();
    x.put(9, uri);
    x.put(10, "0123456789abcdef0123456789abcdef01234567");
    x.put(11, "github-hosted");
    x.put(12, "https://github.com/" + repo);
    x.put(13, "0123456789abcdef0123456789abcdef01234567");
    x.put(14, ref);
    x.put(15, "123456789");
    x.put(16, "https://github.com/" + repo.substring(0, repo.indexOf('/')));
    x.put(17, "987654321");
    x.put(18, uri);
    x.put(19, "0123456789abcdef0123456789abcdef01234567");
    x.put(20, "push");
    x.put(21, "https://github.com/" + repo + "/actions/runs/1/attempts/1");
    x.put(22, "public");
    return new LeafSpec("uri", uri, "https://token.actions.githubusercontent.com", true, x,
        Duration.ofMinutes(10), true, true, true);
  }

  public LeafSpec withIssuer(String newIssuer, boolean legacy) {
    return new LeafSpec(sanType, san, newIssuer, legacy, extensions, validity, codeSigningEku, digitalSignatureKu, embedSct);
  }

  public LeafSpec withExtensions(Map<Integer, String> x) {
    return new LeafSpec(sanType, san, issuer, legacyIssuer, x, validity, codeSigningEku, digitalSignatureKu, embedSct);
  }

  public LeafSpec withValidity(Duration v) {
    return new LeafSpec(sanType, san, issuer, legacyIssuer, extensions, v, codeSigningEku, digitalSignatureKu, embedSct);
  }

  public LeafSpec withoutCodeSigningEku() {
    return new LeafSpec(sanType, san, issuer, legacyIssuer, extensions, validity, false, digitalSignatureKu, embedSct);
  }

  public LeafSpec withoutDigitalSignatureKu() {
    return new LeafSpec(sanType, san, issuer, legacyIssuer, extensions, validity, codeSigningEku, false, embedSct);
  }

  public LeafSpec withoutSct() {
    return new LeafSpec(sanType, san, issuer, legacyIssuer, extensions, validity, codeSigningEku, digitalSignatureKu, false);
  }
}
