package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.audit.AuditEvent;
import java.time.Instant;
import java.util.List;

/** Builds audit events from an {@link AuditContext}: the one place that maps who/why onto the event format. */
final class AuditEvents {
  private AuditEvents() {}

  static AuditEvent of(Instant at, AuditContext who, String action, String subject, String outcome,
      List<String> reasons, JsonNode detail) {
    return new AuditEvent(at, who.operator(), who.host(), who.command(), action, subject, outcome, reasons, detail,
        who.account(), who.sudoUser(), who.reason());
  }
}
