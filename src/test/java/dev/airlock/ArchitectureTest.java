package dev.airlock;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The package graph of STYLE.md ("Allowed imports") as a test: any new edge fails the build.
 * {@code core} holds value types only (reason codes, limits, the error type, the home's paths, the
 * JSON reader, the write lock, the trusted-time value); every package may use it, and it uses no
 * other airlock package and no database ({@link #coreIsALeafOfValueTypes}). Persistence is the
 * {@code db} adapter alone: the stages declare repository interfaces, {@code db} implements them
 * and is the only package that touches {@code java.sql} or H2; {@code appliance} owns transactions.
 */
class ArchitectureTest {
  private static final String BASE = "dev.airlock.";

  /** stage -> the stages it may import (besides itself and core). */
  static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("core", Set.of()),
      Map.entry("crypto", Set.of()),
      Map.entry("oci", Set.of()),
      // RFC 9162, one implementation; a leaf: SHA-256 comes from the crypto chokepoint (STYLE.md 5)
      Map.entry("merkle", Set.of("crypto")),
      Map.entry("media", Set.of("oci", "crypto")),
      Map.entry("store", Set.of("oci", "crypto")),
      Map.entry("tlog", Set.of("merkle", "crypto")),
      Map.entry("trust", Set.of("tlog", "oci", "crypto")),
      Map.entry("verify", Set.of("trust", "tlog", "merkle", "oci", "crypto")),
      Map.entry("policy", Set.of("verify", "trust", "oci")),
      Map.entry("audit", Set.of("policy", "verify", "merkle", "crypto")),
      // the one persistence adapter: implements the repository interfaces of these stages
      Map.entry("db", Set.of("store", "trust", "tlog", "merkle", "policy", "audit", "oci", "crypto")),
      Map.entry("appliance", Set.of("core", "crypto", "oci", "media", "store", "tlog", "trust", "verify",
          "policy", "audit", "db")),
      // the publisher's use cases (DESIGN.md section 10): keygen, sign, repo, pack
      Map.entry("publish", Set.of("trust", "tlog", "oci", "crypto", "media", "store", "policy")),
      // the edge: one appliance service per command, stage value types for rendering; never db;
      // 'serve' starts the http edge over the appliance's ServeBackend
      Map.entry("cli", Set.of("core", "crypto", "oci", "media", "store", "tlog", "trust", "verify",
          "policy", "audit", "appliance", "publish", "http")),
      // the serve edge (DESIGN.md 9): the appliance's ServeBackend, crypto for the TLS key and
      // certificate PEM files; never db
      Map.entry("http", Set.of("core", "appliance", "crypto")));

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.airlock");

  @Test
  void everyClassIsInAKnownStage() {
    ArchRule rule = ArchRuleDefinition.classes().should(
        new com.tngtech.archunit.lang.ArchCondition<JavaClass>("be in a stage package of STYLE.md") {
          @Override
          public void check(JavaClass c, com.tngtech.archunit.lang.ConditionEvents events) {
            String stage = stageOf(c.getPackageName());
            if (stage == null || !ALLOWED.containsKey(stage)) {
              events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(c,
                  c.getName() + " is not in a stage package"));
            }
          }
        });
    rule.check(CLASSES);
  }

  @Test
  void stagesImportOnlyWhatStyleAllows() {
    ArchRule rule = ArchRuleDefinition.classes().should(
        new com.tngtech.archunit.lang.ArchCondition<JavaClass>("import only allowed stages") {
          @Override
          public void check(JavaClass c, com.tngtech.archunit.lang.ConditionEvents events) {
            String from = stageOf(c.getPackageName());
            c.getDirectDependenciesFromSelf().forEach(d -> {
              String to = stageOf(d.getTargetClass().getPackageName());
              if (to == null || to.equals(from) || to.equals("core")) {
                return;
              }
              Set<String> ok = ALLOWED.getOrDefault(from, Set.of());
              if (!ok.contains(to)) {
                events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(d,
                    from + " -> " + to + " is not allowed: " + d.getDescription()));
              }
            });
          }
        });
    rule.check(CLASSES);
  }

  @Test
  void noCycles() {
    slices().matching("dev.airlock.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void nothingImportsCli() {
    ArchRuleDefinition.noClasses().that().resideOutsideOfPackage("dev.airlock.cli..")
        .should().dependOnClassesThat().resideInAPackage("dev.airlock.cli..")
        .check(CLASSES);
  }

  /** DESIGN.md section 1: {@code db} is the one persistence adapter; no other package holds SQL types. */
  @Test
  void onlyDbTouchesJdbcAndH2() {
    ArchRuleDefinition.noClasses().that().resideOutsideOfPackage("dev.airlock.db..")
        .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.h2..")
        .check(CLASSES);
  }

  /** STYLE.md rule 13: picocli only in the edges ({@code cli}, and {@code http} when it comes). */
  @Test
  void onlyTheEdgesTouchPicocli() {
    ArchRuleDefinition.noClasses().that()
        .resideOutsideOfPackages("dev.airlock.cli..", "dev.airlock.http..")
        .should().dependOnClassesThat().resideInAPackage("picocli..")
        .check(CLASSES);
  }

  /**
   * STYLE.md "the HTTP server only in {@code http}": Jetty is the listener of {@code airlock serve}
   * and nothing else; {@code http} reaches the decision through {@code appliance}, never the store's
   * database directly.
   */
  @Test
  void onlyHttpTouchesJettyAndHttpNeverDb() {
    ArchRuleDefinition.noClasses().that().resideOutsideOfPackage("dev.airlock.http..")
        .should().dependOnClassesThat().resideInAPackage("org.eclipse.jetty..")
        .check(CLASSES);
    ArchRuleDefinition.noClasses().that().resideInAPackage("dev.airlock.http..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.airlock.db..", "java.sql..", "org.h2..")
        .check(CLASSES);
  }

  /** {@code core} is the leaf of value types: no other airlock package, no database, no picocli. */
  @Test
  void coreIsALeafOfValueTypes() {
    ArchRuleDefinition.noClasses().that().resideInAPackage("dev.airlock.core..")
        .should().dependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe("another airlock package",
                (JavaClass t) -> t.getPackageName().startsWith(BASE)
                    && !t.getPackageName().equals("dev.airlock.core")
                    && !t.getPackageName().startsWith("dev.airlock.core.")))
        .orShould().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.h2..", "picocli..")
        .check(CLASSES);
  }

  /**
   * Stages see their repository interfaces only and the edges call services: a transaction handle
   * belongs to {@code appliance}.
   */
  @Test
  void onlyTheApplianceLayerUsesDb() {
    ArchRuleDefinition.noClasses().that().resideOutsideOfPackages("dev.airlock.db..", "dev.airlock.appliance..")
        .should().dependOnClassesThat().resideInAPackage("dev.airlock.db..")
        .check(CLASSES);
  }

  @Test
  void onlyCryptoTouchesJcaEngines() {
    ArchRuleDefinition.noClasses().that().resideOutsideOfPackage("dev.airlock.crypto..")
        .should().callMethod(java.security.Signature.class, "getInstance", String.class)
        .orShould().callMethod(java.security.MessageDigest.class, "getInstance", String.class)
        .orShould().callMethod(java.security.KeyFactory.class, "getInstance", String.class)
        .orShould().callMethod(java.security.Security.class, "addProvider", java.security.Provider.class)
        .check(CLASSES);
  }

  /**
   * Signatures, keys and certificates use Bouncy Castle's lightweight API and the JDK's own
   * providers: constructing {@code BouncyCastleProvider} cost about 120 ms of every process start,
   * and the JCA path added per-signature key conversion. Test code (the lab) may still use it.
   */
  @Test
  void mainCodeDoesNotUseTheBouncyCastleJcaProvider() {
    ArchRuleDefinition.noClasses()
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.bouncycastle.jce.provider..", "org.bouncycastle.jcajce.provider..")
        .check(CLASSES);
  }

  /**
   * sigstore-java stays behind two adapters: the TUF client over media ({@code trust.tuf}) and the
   * parser/helper adapter of {@code verify} ({@code verify.sigstore}).
   */
  @Test
  void sigstoreJavaOnlyBehindAdapters() {
    ArchRuleDefinition.noClasses()
        .that().resideOutsideOfPackages("dev.airlock.trust.tuf..", "dev.airlock.verify.sigstore..")
        .should().dependOnClassesThat().resideInAPackage("dev.sigstore..")
        .check(CLASSES);
  }

  /**
   * Issue 12: the documents airlock writes are typed templates ({@code core.json}) written by one
   * serialiser ({@code core.json.Documents}), not trees assembled node by node. The classes that
   * built or re-read them before are listed here so that {@code ObjectNode} assembly does not come
   * back; a class leaves its old tree code behind and joins the list as its document is converted.
   */
  static final java.util.List<String> TEMPLATED = java.util.List.of(
      "dev.airlock.core.json..",
      // the verdict document (DESIGN.md 5)
      "dev.airlock.verify.Verdict", "dev.airlock.verify.SignatureVerdict", "dev.airlock.verify.Check",
      "dev.airlock.cli.VerifyCommand", "dev.airlock.cli.CosignVerifyCommand", "dev.airlock.cli.VerifyBundleCommand",
      // the error document
      "dev.airlock.cli.Main", "dev.airlock.cli.AirlockCommand",
      // the import report and the medium check report
      "dev.airlock.cli.ImportCommand", "dev.airlock.cli.MediumCommand",
      // export --json
      "dev.airlock.cli.ExportCommand",
      // audit event details (so far: verify, import, medium check, export; serve's are typed too,
      // but Serving still assembles the OCI referrers index)
      "dev.airlock.appliance.VerifyService", "dev.airlock.appliance.ImportService",
      "dev.airlock.appliance.ExportService", "dev.airlock.appliance.AuditService",
      // policy.set / policy.install, store gc and image.remove (details and store gc --json)
      "dev.airlock.appliance.PolicyService", "dev.airlock.appliance.PolicyChoice",
      "dev.airlock.appliance.StoreService", "dev.airlock.cli.StoreCommand",
      // trust.update and init (details and --json documents)
      "dev.airlock.appliance.TrustService", "dev.airlock.cli.InitCommand");

  @Test
  void documentsAreTemplatesNotAssembledTrees() {
    ArchRuleDefinition.noClasses().that(com.tngtech.archunit.base.DescribedPredicate.describe(
            "write a templated document", (JavaClass c) -> TEMPLATED.stream().anyMatch(t -> t.endsWith("..")
                ? c.getPackageName().startsWith(t.substring(0, t.length() - 2))
                : c.getName().equals(t) || c.getName().startsWith(t + "$"))))
        .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson.databind.node..")
        .check(CLASSES);
    // nothing in main code reads back its own verdict: it reads the Verdict, or writes its document()
    ArchRuleDefinition.noClasses().should().callMethod(dev.airlock.verify.Verdict.class, "toJson")
        .check(CLASSES);
  }

  static String stageOf(String pkg) {
    if (!pkg.startsWith(BASE)) {
      return null;
    }
    String rest = pkg.substring(BASE.length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }
}
