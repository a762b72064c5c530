package dev.airlock.verify;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a signature must satisfy, with cosign's option names and meaning. Secure by default
 * (STYLE.md rule 8): keyless verification needs an identity and an issuer, an SCT and one verified
 * transparency-log entry; every relaxation is a method ending in {@code Unsafe} and is listed in
 * {@link #relaxations()} so that the verdict shows it. Immutable; built with {@link #builder()}.
 */
public final class VerifyOptions {
  private final String identity;
  private final Pattern identityRegexp;
  private final String identityEmailDomain;
  private final String issuer;
  private final Pattern issuerRegexp;
  private final PublicKey key;
  private final dev.airlock.trust.ValidityWindow keyWindow;
  private final java.time.Instant trustedNow;
  private final boolean requireTreeHeads;
  private final boolean insecureIgnoreTlog;
  private final boolean useSignedTimestamps;
  private final boolean requireSct;
  private final int tlogThreshold;
  private final boolean withoutIdentity;
  private final boolean withoutCodeSigningEku;
  private final java.time.Instant fallbackTime;
  private final String tlogNotRequiredBy;
  private final List<String> relaxations;

  private VerifyOptions(Builder b) {
    this.identity = b.identity;
    this.identityRegexp = b.identityRegexp;
    this.identityEmailDomain = b.identityEmailDomain;
    this.issuer = b.issuer;
    this.issuerRegexp = b.issuerRegexp;
    this.key = b.key;
    this.keyWindow = b.keyWindow;
    this.trustedNow = b.trustedNow;
    this.requireTreeHeads = b.requireTreeHeads;
    this.insecureIgnoreTlog = b.insecureIgnoreTlog;
    this.useSignedTimestamps = b.useSignedTimestamps;
    this.requireSct = b.requireSct;
    this.tlogThreshold = b.tlogThreshold;
    this.withoutIdentity = b.withoutIdentity;
    this.withoutCodeSigningEku = b.withoutCodeSigningEku;
    this.fallbackTime = b.fallbackTime;
    this.tlogNotRequiredBy = b.tlogNotRequiredBy;
    this.relaxations = List.copyOf(b.relaxations);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String identity() {
    return identity;
  }

  public Pattern identityRegexp() {
    return identityRegexp;
  }

  /** The e-mail domain of {@link Builder#identityEmailDomain}, lower case, or null. */
  public String identityEmailDomain() {
    return identityEmailDomain;
  }

  public String issuer() {
    return issuer;
  }

  public Pattern issuerRegexp() {
    return issuerRegexp;
  }

  /** The out-of-band public key for key-based verification, or null for keyless. */
  public PublicKey key() {
    return key;
  }

  /** The key authority's validity window, judged at the verified signing time; null if none. */
  public dev.airlock.trust.ValidityWindow keyWindow() {
    return keyWindow;
  }

  /** The appliance's trusted now (from its injected clock), or null. */
  public java.time.Instant trustedNow() {
    return trustedNow;
  }

  /** Every counted transparency-log entry must yield a checkpoint-signed tree head. */
  public boolean requireTreeHeads() {
    return requireTreeHeads;
  }

  public boolean insecureIgnoreTlog() {
    return insecureIgnoreTlog;
  }

  public boolean useSignedTimestamps() {
    return useSignedTimestamps;
  }

  public boolean requireSct() {
    return requireSct;
  }

  public int tlogThreshold() {
    return tlogThreshold;
  }

  public boolean withoutIdentity() {
    return withoutIdentity;
  }

  /** The time to judge certificates at when no signing time is verified, or null (the default). */
  public java.time.Instant fallbackTime() {
    return fallbackTime;
  }

  public boolean withoutCodeSigningEku() {
    return withoutCodeSigningEku;
  }

  /**
   * The key authority whose policy says it needs no transparency-log entry ({@code key: {…, tlog:
   * false}}), or null (the default: an entry is required). See
   * {@link Builder#tlogNotRequiredUnsafe(String)}.
   */
  public String tlogNotRequiredBy() {
    return tlogNotRequiredBy;
  }

  /** The unsafe relaxations in effect, by name, for the verdict. */
  public List<String> relaxations() {
    return relaxations;
  }

  boolean hasIdentityPolicy() {
    return (identity != null || identityRegexp != null || identityEmailDomain != null)
        && (issuer != null || issuerRegexp != null);
  }

  /**
   * Whether one SAN satisfies the identity requirement. Exact and regexp identities compare with
   * every SAN type, as cosign's {@code --certificate-identity[-regexp]} do; an e-mail domain only
   * with an rfc822Name SAN that is a proper addr-spec in exactly that domain.
   */
  boolean identityMatches(FulcioCertificate.San san) {
    if (identityEmailDomain != null) {
      return san.type() == FulcioCertificate.San.Type.EMAIL && EmailAddresses.inDomain(san.value(), identityEmailDomain);
    }
    return identity != null ? identity.equals(san.value()) : identityRegexp.matcher(san.value()).matches();
  }

  /** The identity requirement for the verdict's {@code expected}. */
  String identityDescription() {
    if (identityEmailDomain != null) {
      return "email:*@" + identityEmailDomain;
    }
    return identity != null ? identity : identityRegexp.pattern();
  }

  /** Builder. Regexps must match the whole string ({@link java.util.regex.Matcher#matches()}). */
  public static final class Builder {
    private String identity;
    private Pattern identityRegexp;
    private String identityEmailDomain;
    private String issuer;
    private Pattern issuerRegexp;
    private PublicKey key;
    private dev.airlock.trust.ValidityWindow keyWindow;
    private java.time.Instant trustedNow;
    private boolean requireTreeHeads;
    private boolean insecureIgnoreTlog;
    private boolean useSignedTimestamps;
    private boolean requireSct = true;
    private int tlogThreshold = 1;
    private boolean withoutIdentity;
    private boolean withoutCodeSigningEku;
    private java.time.Instant fallbackTime;
    private String tlogNotRequiredBy;
    private final List<String> relaxations = new ArrayList<>();

    private Builder() {}

    public Builder identity(String exact) {
      this.identity = exact;
      return this;
    }

    public Builder identityRegexp(String regexp) {
      this.identityRegexp = regexp == null ? null : Pattern.compile(regexp);
      return this;
    }

    /**
     * mercure-style {@code *@domain}: the certificate must carry an e-mail SAN (rfc822Name, RFC 5280
     * 4.2.1.6) that is a proper RFC 5322 3.4.1 addr-spec with a dot-atom local part and exactly
     * this domain (compared case-insensitively). URI, DNS and Fulcio username (otherName) SANs
     * never match, whatever they contain. Excludes {@link #identity} and {@link #identityRegexp}.
     *
     * @param domain a DNS name such as {@code clinic.example} (no wildcard, no {@code @})
     * @throws IllegalArgumentException if {@code domain} is not a DNS name
     */
    public Builder identityEmailDomain(String domain) {
      if (domain != null && !EmailAddresses.isDomain(domain)) {
        throw new IllegalArgumentException("not a DNS domain name: '" + domain + "'");
      }
      this.identityEmailDomain = domain == null ? null : domain.toLowerCase(java.util.Locale.ROOT);
      return this;
    }

    public Builder issuer(String exact) {
      this.issuer = exact;
      return this;
    }

    public Builder issuerRegexp(String regexp) {
      this.issuerRegexp = regexp == null ? null : Pattern.compile(regexp);
      return this;
    }

    public Builder key(PublicKey key) {
      this.key = key;
      return this;
    }

    /** A key authority: its key, and its window checked at the signing time. */
    public Builder keyAuthority(dev.airlock.trust.KeyAuthority authority) {
      this.key = authority.key();
      this.keyWindow = authority.window();
      return this;
    }

    /**
     * The appliance's trusted now (DESIGN.md section 3: max(system clock, highest verified time),
     * read from the injected {@link java.time.Clock}, never the wall clock). It is never a
     * signing time and never used for certificates; it is used only where no time is verified:
     * the {@code validFor} of the log of an entry without a signed time (a key-based Rekor v2 entry
     * without RFC 3161 timestamp) and a key authority's window (DESIGN.md 6a). Without it such an
     * entry is denied {@code SIGNING_TIME_MISSING}, since the log window cannot be judged.
     */
    public Builder trustedNow(java.time.Instant now) {
      this.trustedNow = now;
      return this;
    }

    /**
     * Deny any transparency-log entry that yields no verified tree head (a checkpoint signed by
     * the entry's log): for policies with {@code transparency.requireCheckpointConsistency}, whose
     * glue then compares every {@link BundleVerification#treeHeads()} with the checkpoint store. A
     * SET-only entry (v0.1 bundles, legacy cosign Rekor bundles) then fails with
     * {@code TLOG_TREE_HEAD_MISSING}. Stricter, so not {@code Unsafe}.
     */
    public Builder requireTreeHeads() {
      this.requireTreeHeads = true;
      return this;
    }

    /** cosign {@code --insecure-ignore-tlog}: no transparency-log entry is required. */
    public Builder insecureIgnoreTlogUnsafe() {
      this.insecureIgnoreTlog = true;
      this.tlogThreshold = 0;
      relaxations.add("insecure-ignore-tlog");
      return this;
    }

    /** cosign {@code --use-signed-timestamps}: RFC 3161 timestamps count as verified time. */
    public Builder useSignedTimestamps() {
      this.useSignedTimestamps = true;
      return this;
    }

    /** No embedded SCT is required (private instances without a CT log). */
    public Builder withoutSctUnsafe() {
      this.requireSct = false;
      relaxations.add("without-sct");
      return this;
    }

    /** Keyless verification without an identity/issuer policy (tests, diagnostics). */
    public Builder withoutIdentityUnsafe() {
      this.withoutIdentity = true;
      relaxations.add("without-identity");
      return this;
    }

    /**
     * Judge certificates at {@code now} (the caller's clock) when neither a Rekor SET nor an RFC
     * 3161 timestamp gives a verified signing time: private PKIs without a log (containers/image
     * "pki" signatures). The verdict's time source is then {@code system}.
     */
    public Builder fallbackTimeUnsafe(java.time.Instant now) {
      this.fallbackTime = now;
      relaxations.add("fallback-time");
      return this;
    }

    /**
     * Accept a leaf without the codeSigning EKU: private PKIs verified the containers/image way
     * (its "pki" signatures do not require it; cosign and Fulcio do).
     */
    public Builder withoutCodeSigningEkuUnsafe() {
      this.withoutCodeSigningEku = true;
      relaxations.add("without-code-signing-eku");
      return this;
    }

    /**
     * A key authority that signs offline says, in the policy ({@code key: {…, tlog: false}}), that
     * its signatures need no transparency-log entry (DESIGN.md section 4: "a key authority that needs
     * no log says so in the policy"). Applies to key-based signatures only: a keyless signature still
     * needs its entries, since its certificate must be judged at a verified time. Entries that are
     * present are still verified, and a bad one still fails. With no entry, the verdict records the
     * check {@code tlog.required} as passed with detail "not required by authority NAME", and the
     * relaxation {@code tlog-not-required} is listed (STYLE.md rule 8).
     *
     * <p>Unlike {@link #insecureIgnoreTlogUnsafe()} (cosign's flag, which skips entries altogether),
     * this keeps every check of the material that is there.
     *
     * @param authority the policy authority's name, shown in the verdict
     */
    public Builder tlogNotRequiredUnsafe(String authority) {
      if (authority == null || authority.isBlank()) {
        throw new IllegalArgumentException("tlogNotRequiredUnsafe needs the authority's name");
      }
      if (this.tlogNotRequiredBy == null) {
        relaxations.add("tlog-not-required");
      }
      this.tlogNotRequiredBy = authority;
      return this;
    }

    /** How many transparency-log entries must verify (default 1). */
    public Builder tlogThreshold(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("tlog threshold must be >= 0");
      }
      if (n == 0 && !insecureIgnoreTlog) {
        relaxations.add("tlog-threshold-0");
      }
      this.tlogThreshold = n;
      return this;
    }

    public VerifyOptions build() {
      if (identityEmailDomain != null && (identity != null || identityRegexp != null)) {
        throw new IllegalStateException("identityEmailDomain excludes identity and identityRegexp");
      }
      return new VerifyOptions(this);
    }
  }
}
