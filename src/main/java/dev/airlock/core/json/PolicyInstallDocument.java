package dev.airlock.core.json;

/**
 * What {@code policy set --json} prints ({@code application/vnd.airlock.policy-install.v1+json}):
 * the audited {@code policy.set} detail's fields in its order, then the media type and when the
 * policy was installed (the order the command has always printed).
 */
public record PolicyInstallDocument(AuditDetail.PolicySet set, String installedAt) implements Document {
  public static final String MEDIA_TYPE = "application/vnd.airlock.policy-install.v1+json";
}
