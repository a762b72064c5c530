package dev.airlock.testing;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Refuses to run any test outside a network namespace with loopback only (registered via
 * ServiceLoader). Maven starts the test JVM through {@code scripts/test-jvm}, which makes that
 * namespace ({@code unshare -rn}, loopback up): an accidental outbound connection then fails at
 * once, in this JVM and in every process a test starts (DESIGN.md section 7). A JVM started some
 * other way (an IDE) stops here with the reason instead of running with the network open.
 */
public final class NoNetworkListener implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    List<String> others = nonLoopbackInterfaces();
    if (!others.isEmpty()) {
      throw new IllegalStateException("airlock's tests run only in a network namespace with loopback alone, "
          + "but this JVM sees " + others + "; run them with mvn (surefire starts the JVM through scripts/test-jvm)");
    }
  }

  /** The names of the network interfaces other than loopback that this process can see. */
  public static List<String> nonLoopbackInterfaces() {
    try {
      return NetworkInterface.networkInterfaces().filter(i -> {
        try {
          return !i.isLoopback();
        } catch (SocketException e) {
          return true;
        }
      }).map(NetworkInterface::getName).toList();
    } catch (SocketException e) {
      throw new IllegalStateException("cannot list network interfaces", e);
    }
  }
}
