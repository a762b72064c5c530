package dev.airlock.testing;

import java.net.SocketPermission;
import java.security.Permission;

/**
 * A security manager that refuses every network operation (connect, listen, accept, resolve) and
 * allows everything else. Installed for every test JVM by {@link NoNetworkListener} and passed to
 * CLI subprocesses started by tests, so an accidental network call fails the test
 * (DESIGN.md section 7: "Tests run with the network blocked").
 */
@SuppressWarnings("removal")
public final class NoNetworkSecurityManager extends SecurityManager {
  @Override
  public void checkPermission(Permission perm) {
    if (perm instanceof SocketPermission) {
      throw new SecurityException("network access is blocked in airlock tests: " + perm);
    }
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
