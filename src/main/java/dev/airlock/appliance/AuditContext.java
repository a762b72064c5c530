package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.audit.AuditEvent;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Reason;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who acts and why, for every audit event of one command or request (21 CFR Part 11: who, what,
 * when, why). The edges fill it once; every service writes its events through {@link #event}.
 *
 * @param operator {@code --operator}, else the OS account
 * @param account the operating-system account running the process
 * @param sudoUser the account that ran {@code sudo}, or null
 * @param host the host name
 * @param command the command, e.g. {@code trust update}
 * @param reason the operator's {@code --reason}, or null
 * @param systemClock the system clock (the trusted now is derived from it in each transaction)
 */
public record AuditContext(String operator, String account, String sudoUser, String host, String command,
    String reason, Clock systemClock) {
  public AuditContext {
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(systemClock, "systemClock");
    if (reason != null && reason.length() > MAX_REASON) {
      throw dev.airlock.core.AirlockException.usage("--reason is " + reason.length() + " characters; at most "
          + MAX_REASON + " are recorded");
    }
  }

  /** The longest {@code --reason} the audit log records. */
  public static final int MAX_REASON = 4000;

  /** The same context for another command name (a service acting for a sub-step). */
  public AuditContext withCommand(String c) {
    return new AuditContext(operator, account, sudoUser, host, c, reason, systemClock);
  }

  /**
   * An audit event at {@code time}. A clock that was behind the verified high-water mark adds
   * {@link Reason#CLOCK_BEHIND} to the reasons.
   */
  public AuditEvent event(dev.airlock.core.TrustedTime time, String action, String subject, String outcome,
      List<String> reasons, JsonNode detail) {
    List<String> r = new ArrayList<>(reasons);
    if (time.clockBehind() && !r.contains(Reason.CLOCK_BEHIND.name())) {
      r.add(Reason.CLOCK_BEHIND.name());
    }
    return AuditEvents.of(time.now(), this, action, subject, outcome, r, detail);
  }
}
