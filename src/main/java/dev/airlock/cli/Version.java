package dev.airlock.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code airlock --version}. */
public final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Version.class.getPackage().getImplementationVersion();
    return new String[] {"airlock " + (v == null ? "dev" : v)};
  }
}
