package dev.airlock.testing;

import java.net.SocketPermission;
import java.security.Permission;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A security manager that refuses every network operation (connect, listen, accept, resolve) and
 * allows everything else, with one exception: H2's auto-server, the local CLI-to-database channel
 * of DESIGN.md section 7, may listen on, accept on, connect to and resolve loopback (127.0.0.1 /
 * localhost) only, and only when H2's own code asks ({@code db.Database} binds it there). Test code
 * and every other library stay refused, loopback included. Installed for every test JVM by {@link NoNetworkListener} and passed to
 * CLI subprocesses started by tests, so an accidental network call fails the test
 * (DESIGN.md section 7: "Tests run with the network blocked").
 *
 * <p>The one exception is {@link #allowLoopback()}: the {@code airlock serve} tests listen on and
 * connect to 127.0.0.1 over real sockets. While such a scope is open, socket permissions for a
 * loopback address (and Jetty's {@code listen} check, which names {@code localhost}) are granted;
 * every other host is still refused.
 */
@SuppressWarnings("removal")
public final class NoNetworkSecurityManager extends SecurityManager {
  private static final AtomicInteger LOOPBACK_SCOPES = new AtomicInteger();
  /** A child JVM that runs {@code airlock serve} for a test: loopback allowed for its whole life. */
  private static final boolean LOOPBACK_PROCESS = Boolean.getBoolean("airlock.test.allowLoopback");

  @Override
  public void checkPermission(Permission perm) {
    if (perm instanceof SocketPermission) {
      if (isLoopback(perm.getName()) && (LOOPBACK_PROCESS || LOOPBACK_SCOPES.get() > 0 || calledByH2())) {
        return;
      }
      throw new SecurityException("network access is blocked in airlock tests: " + perm);
    }
  }

  private boolean calledByH2() {
    for (Class<?> c : getClassContext()) {
      if (c.getName().startsWith("org.h2.")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void checkPermission(Permission perm, Object context) {
    checkPermission(perm);
  }

  /** Installs the manager unless one is already installed. */
  public static synchronized void install() {
    if (!(System.getSecurityManager() instanceof NoNetworkSecurityManager)) {
      System.setSecurityManager(new NoNetworkSecurityManager());
    }
  }

  /** Allows loopback sockets until the returned scope is closed (tests of the serve listener only). */
  public static AutoCloseable allowLoopback() {
    LOOPBACK_SCOPES.incrementAndGet();
    return LOOPBACK_SCOPES::decrementAndGet;
  }

  /** {@code host[:ports]} of a SocketPermission names a loopback address. */
  static boolean isLoopback(String name) {
    String host;
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      host = end < 0 ? name : name.substring(1, end);
    } else {
      int colon = name.indexOf(':');
      host = colon < 0 ? name : name.substring(0, colon);
    }
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
        || host.equals("0:0:0:0:0:0:0:1");
  }
}
