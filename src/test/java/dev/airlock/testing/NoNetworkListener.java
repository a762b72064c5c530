package dev.airlock.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Blocks the network for the whole test JVM before any test runs (registered via ServiceLoader). */
public final class NoNetworkListener implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    NoNetworkSecurityManager.install();
  }
}
