package dev.airlock.testing;

import java.net.SocketPermission;
import java.security.Permission;

/**
 * A security manager that refuses every network operation (connect, listen, accept, resolve) and
 * allows everything else, with one exception: H2's auto-server, the local CLI-to-database channel
 * of DESIGN.md section 7, may listen on, accept on, connect to and resolve loopback (127.0.0.1 /
 * localhost) only, and only when H2's own code asks ({@code db.Database} binds it there). Test code
 * and every other library stay refused, loopback included. Installed for every test JVM by {@link NoNetworkListener} and passed to
 * CLI subprocesses started by tests, so an accidental network call fails the test
 * (DESIGN.md section 7: "Tests run with the network blocked").
 */
@SuppressWarnings("removal")
public final class NoNetworkSecurityManager extends SecurityManager {
  @Override
  public void checkPermission(Permission perm) {
    if (perm instanceof SocketPermission && !(isLoopback(perm.getName()) && calledByH2())) {
      throw new SecurityException("network access is blocked in airlock tests: " + perm);
    }
  }

  /** "host", "host:port" or "host:lo-hi" names 127.0.0.0/8 or localhost. */
  static boolean isLoopback(String name) {
    String host = name;
    int colon = name.lastIndexOf(':');
    if (colon >= 0 && !name.endsWith("]")) {
      host = name.substring(0, colon);
    }
    return host.equals("localhost") || host.startsWith("127.");
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
}
