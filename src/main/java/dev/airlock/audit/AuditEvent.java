package dev.airlock.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One audit event before it is appended (the log assigns the sequence number and hashes; it is
 * stored as format v2, docs/auditor-guide.md section 3a). 21 CFR Part 11 style: who
 * ({@code operator}, {@code account}, {@code sudoUser}, {@code host}), what ({@code command},
 * {@code action}, {@code subject}), when ({@code time}, trusted clock), why ({@code reason}, the
 * operator's own words; {@code outcome}, {@code reasons}, {@code detail}: the verdict or change as
 * JSON, stored canonically, RFC 8785).
 *
 * @param operator who the operator says they are ({@code --operator}, default the OS user)
 * @param outcome e.g. {@code admit}, {@code deny}, {@code ok}, {@code refused}, {@code failed}
 * @param account the operating-system account the airlock process runs as; null if not known
 * @param sudoUser the account that ran airlock through sudo ({@code SUDO_USER}); null without sudo
 * @param reason the operator's free-text "why" ({@code --reason TEXT}); null if none was given. The
 *     database holds at most 4000 characters: callers reject a longer text as a usage error, or
 *     the append fails (exit 4, the action is not taken)
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
    JsonNode detail,
    String account,
    String sudoUser,
    String reason) {

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

  /** An event without account, sudo user and reason (they are recorded as null). */
  public AuditEvent(Instant time, String operator, String host, String command, String action,
      String subject, String outcome, List<String> reasons, JsonNode detail) {
    this(time, operator, host, command, action, subject, outcome, reasons, detail, null, null, null);
  }

  @Override
  public JsonNode detail() {
    return detail.deepCopy();
  }
}
