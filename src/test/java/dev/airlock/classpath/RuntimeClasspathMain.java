package dev.airlock.classpath;

import java.util.List;

/**
 * Run by {@link RuntimeClasspathTest} in a JVM whose classpath is the appliance's runtime
 * classpath only: links every sigstore-java class the appliance uses (TUF over media, parsers) and
 * the airlock classes that call them, then runs the CLI with the given arguments.
 */
public final class RuntimeClasspathMain {
  private RuntimeClasspathMain() {}

  static final List<String> CLASSES = List.of(
      "dev.airlock.trust.tuf.TufClient", "dev.airlock.trust.tuf.MediumFetcher", "dev.airlock.trust.TrustedRoot",
      "dev.airlock.verify.BundleVerifier", "dev.airlock.cli.Main",
      "dev.sigstore.tuf.Updater", "dev.sigstore.tuf.Updater$Builder", "dev.sigstore.tuf.MetaFetcher",
      "dev.sigstore.tuf.FileSystemTufStore", "dev.sigstore.tuf.RootProvider", "dev.sigstore.tuf.TrustedMetaStore",
      "dev.sigstore.tuf.model.Root", "dev.sigstore.tuf.model.Targets", "dev.sigstore.tuf.model.Timestamp",
      "dev.sigstore.tuf.model.Snapshot", "dev.sigstore.json.GsonSupplier");

  public static void main(String[] args) throws Exception {
    for (String name : CLASSES) {
      Class<?> c = Class.forName(name, true, RuntimeClasspathMain.class.getClassLoader());
      // resolving the signatures loads every type they name
      c.getDeclaredMethods();
      c.getDeclaredFields();
      c.getDeclaredConstructors();
    }
    System.out.println("LOADED " + CLASSES.size());
    System.out.flush();
    dev.airlock.cli.Main.main(args);
  }
}
