package dev.airlock.core.json;

/**
 * What {@code init --json} prints: the home, the appliance id, the pinned root's version and
 * expiry, and the audit public key (PEM) and its file. Every field always written, in this order.
 */
public record InitDocument(String home, String applianceId, long rootVersion, String rootExpires,
    String auditPublicKey, String auditPublicKeyFile) implements Document {}
