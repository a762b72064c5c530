import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Release packaging (issue 17, cold start): java UpgradeOldClasses.java JAR (a JDK 24+ source launch).
 *
 * <p>The JDK's AOT cache skips class files older than Java 6 (major version below 50: no stack map
 * tables, verified by the old inference verifier), and picocli ships as Java 5 class files. Every
 * start of airlock therefore parsed and verified picocli's ~170 classes from the jar. This rewrites
 * each such class file to major version 52 with stack map tables computed by the JDK's class-file
 * API (instructions, constants and attributes otherwise unchanged), checks every rewritten class
 * with the API's verifier (the same rules as the JVM's split verifier), and refuses to write a jar
 * if one fails. The jar is replaced in place only after all of that.
 */
public final class UpgradeOldClasses {
  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
    ClassHierarchyResolver resolver = ClassHierarchyResolver.defaultResolver().orElse(
        ClassHierarchyResolver.ofResourceParsing(new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)));
    ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver),
        ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
    int upgraded = 0;
    List<String> failures = new ArrayList<>();
    try (ZipFile in = new ZipFile(jar.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
      for (ZipEntry e : Collections.list(in.entries())) {
        byte[] b = in.getInputStream(e).readAllBytes();
        if (e.getName().endsWith(".class") && b.length > 8 && ((b[6] & 0xff) << 8 | (b[7] & 0xff)) < 50) {
          ClassModel cm = cf.parse(b);
          b = cf.transformClass(cm, ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
              .andThen((cb, ce) -> {
                if (ce instanceof ClassFileVersion) {
                  cb.withVersion(ClassFile.JAVA_8_VERSION, 0);
                } else {
                  cb.with(ce);
                }
              }));
          var errors = cf.verify(b);
          if (!errors.isEmpty()) {
            failures.add(e.getName() + ": " + errors.get(0).getMessage());
          }
          upgraded++;
        }
        ZipEntry n = new ZipEntry(e.getName());
        n.setTime(e.getTime());
        out.putNextEntry(n);
        out.write(b);
        out.closeEntry();
      }
    }
    if (!failures.isEmpty()) {
      Files.deleteIfExists(tmp);
      System.err.println("UpgradeOldClasses: " + failures.size() + " rewritten class(es) do not verify; jar left unchanged:");
      failures.forEach(f -> System.err.println("  " + f));
      System.exit(1);
    }
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.err.println("UpgradeOldClasses: " + upgraded + " class files below Java 6 rewritten to Java 8 with stack maps, all verified");
  }
}
