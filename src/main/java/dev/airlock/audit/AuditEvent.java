package dev.airlock.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One audit event before it is appended (the log assigns the sequence number and hashes).
 * 21 CFR Part 11 style: who ({@code operator}, {@code host}), what ({@code command},
 * {@code action}, {@code subject}), when ({@code time}, trusted clock), why ({@code outcome},
 * {@code reasons}, {@code detail}: the verdict or change as JSON, stored canonically, RFC 8785).
 *
 * @param outcome e.g. {@code admit}, {@code deny}, {@code ok}, {@code refused}, {@code failed}
 */
public record AuditEvent(
    Instant time,
    String operator,
    String host,
    String command,
    String action,
    String subject,
    String outcome,
    List<String> reasons,
    JsonNode detail) {

  public AuditEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(outcome, "outcome");
    reasons = List.copyOf(reasons);
    detail = detail == null ? JsonNodeFactory.instance.objectNode() : detail.deepCopy();
  }

  @Override
  public JsonNode detail() {
    return detail.deepCopy();
  }
}
