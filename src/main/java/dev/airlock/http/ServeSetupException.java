package dev.airlock.http;

/**
 * {@code airlock serve} cannot start as asked: unreadable TLS files, plain HTTP on a network
 * address without force, an address that cannot be bound. The message is for the operator (a usage
 * error, exit 2, except a bind failure).
 */
public final class ServeSetupException extends Exception {
  private static final long serialVersionUID = 1L;

  public ServeSetupException(String message) {
    super(message);
  }

  public ServeSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
