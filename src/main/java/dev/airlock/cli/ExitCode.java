package dev.airlock.cli;

import dev.airlock.core.AirlockException;

/** The command contract's exit codes (DESIGN.md section 4), the only source of them. */
public enum ExitCode {
  OK(0, "verified / admitted / done"),
  DENIED(1, "denied: a signature or policy check failed, or the input was refused"),
  USAGE(2, "usage error"),
  CANNOT_DECIDE(3, "cannot decide: unreadable medium, no or expired trust, database busy"),
  AUDIT_FAILED(4, "the audit record could not be written; the action was not taken"),
  INTERNAL(70, "internal error");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  public static ExitCode of(AirlockException.Kind kind) {
    return switch (kind) {
      case DENIED -> DENIED;
      case USAGE -> USAGE;
      case CANNOT_DECIDE -> CANNOT_DECIDE;
      case AUDIT_FAILED -> AUDIT_FAILED;
      case INTERNAL -> INTERNAL;
    };
  }
}
