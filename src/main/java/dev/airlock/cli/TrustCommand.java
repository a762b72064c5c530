package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.appliance.TrustService;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.core.json.TrustUpdateDocument;
import dev.airlock.trust.CertificateAuthority;
import dev.airlock.trust.InstalledSnapshot;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.trust.TransparencyLog;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustStore;
import dev.airlock.trust.TrustedClock;
import dev.airlock.trust.TrustedRoot;
import dev.airlock.trust.ValidityWindow;
import dev.airlock.trust.tuf.TufInstaller;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "trust", mixinStandardHelpOptions = true,
    description = "Update or show the installed trust (TUF roots, trusted roots, key authorities).",
    subcommands = {TrustCommand.Update.class, TrustCommand.Show.class})
final class TrustCommand implements Runnable {
  static final String UPDATE_MEDIA_TYPE = "application/vnd.airlock.trust-update.v1+json";
  static final String SHOW_MEDIA_TYPE = "application/vnd.airlock.trust.v1+json";

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = {
        "Run the TUF client workflow over a repository folder (root rotation, timestamp,",
        "snapshot, targets) and install its trusted_root.json, key and policy targets."
      })
  static final class Update extends BaseCommand {
    @Parameters(paramLabel = "TUF_DIR", description = "A TUF repository (static files) on a medium.")
    Path tufDir;

    @Option(names = "--accept-expired-timestamp",
        description = "Accept an expired timestamp/snapshot role (Sigstore's expires after 7 days) while"
            + " still enforcing signatures, thresholds, versions, hashes and root expiry. Audited.")
    boolean acceptExpiredTimestamp;

    @Override
    protected ExitCode execute() {
      if (acceptExpiredTimestamp) {
        info("airlock: --accept-expired-timestamp: an expired timestamp/snapshot role will be accepted and recorded");
      }
      TrustService.Update u = TrustService.update(home(), tufDir, acceptExpiredTimestamp, auditContext(),
          this::updateDocument);
      TufInstaller.Result result = u.result();
      TrustedClock clock = u.clock();
      if (clock.systemBehind()) {
        note("airlock: warning: " + Reason.CLOCK_BEHIND + ": the system clock (" + clock.systemTime()
            + ") is behind the highest verified time (" + clock.now() + "); using " + clock.now());
      }
      emit(updateDocument(result, clock), human(result, clock));
      return ExitCode.OK;
    }

    private TrustUpdateDocument updateDocument(TufInstaller.Result r, TrustedClock clock) {
      return new TrustUpdateDocument(TrustStore.document(r.installed().snapshot()), r.installed().newRow(),
          r.installed().contentsChanged(), r.installed().added(), r.installed().removed(),
          r.installed().changed(), r.tuf().expiredTimestampAccepted(),
          new TrustUpdateDocument.Clock(clock.now().toString(), clock.systemTime().toString(),
              clock.highWater().map(Object::toString).orElse(null), clock.systemBehind()));
    }

    private String human(TufInstaller.Result r, TrustedClock clock) {
      InstalledSnapshot s = r.installed().snapshot();
      StringBuilder b = new StringBuilder();
      b.append(r.installed().newRow() ? "installed trust snapshot " : "trust unchanged: snapshot ")
          .append(s.seq()).append(' ').append(s.id()).append('\n');
      b.append("  TUF root v").append(s.tufRootVersion()).append(" (expires ").append(s.tufRootExpires())
          .append("), timestamp v").append(s.timestampVersion()).append(", snapshot v")
          .append(s.snapshotVersion()).append(", targets v").append(s.targetsVersion()).append('\n');
      r.installed().added().forEach(p -> b.append("  + ").append(p).append('\n'));
      r.installed().changed().forEach(p -> b.append("  ~ ").append(p).append('\n'));
      r.installed().removed().forEach(p -> b.append("  - ").append(p).append('\n'));
      if (r.tuf().expiredTimestampAccepted()) {
        b.append("  WARNING: an expired timestamp/snapshot was accepted (--accept-expired-timestamp); timestamp expired ")
            .append(s.timestampExpires()).append('\n');
      }
      return b.toString();
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show the installed trust snapshot, its CAs, logs, TSAs, keys and history.")
  static final class Show extends BaseCommand {
    @Override
    protected ExitCode execute() {
      dev.airlock.appliance.StateViews.TrustView v = dev.airlock.appliance.StateViews.trust(home(), systemClock());
      if (v.info().isEmpty()) {
        throw AirlockException.cannotDecide(Reason.TRUST_NOT_INSTALLED,
            home().root() + ": no trust installed; run 'airlock trust update TUF_DIR'");
      }
      if (v.clock().systemBehind()) {
        note("airlock: warning: " + Reason.CLOCK_BEHIND + ": the system clock is behind the highest verified time "
            + v.clock().now());
      }
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("mediaType", SHOW_MEDIA_TYPE);
      ObjectNode cur = TrustStore.describe(v.info().get());
      TrustSnapshot s = v.snapshot().orElseThrow();
      ArrayNode roots = cur.putArray("trustedRoots");
      for (TrustedRoot r : s.roots()) {
        ObjectNode rn = roots.addObject();
        rn.put("name", r.name());
        rn.put("digest", r.digest().toString());
        rn.set("tlogs", logs(r.tlogs()));
        rn.set("ctlogs", logs(r.ctlogs()));
        rn.set("certificateAuthorities", authorities(r.certificateAuthorities()));
        rn.set("timestampAuthorities", authorities(r.timestampAuthorities()));
      }
      ArrayNode keys = cur.putArray("keyAuthorities");
      for (KeyAuthority k : s.keys().values()) {
        ObjectNode kn = keys.addObject();
        kn.put("name", k.name());
        kn.put("algorithm", k.key().getAlgorithm());
        kn.set("validFor", window(k.window()));
      }
      ArrayNode policies = cur.putArray("policies");
      for (Map.Entry<String, byte[]> p : s.policies().entrySet()) {
        policies.addObject().put("path", p.getKey()).put("bytes", p.getValue().length);
      }
      doc.set("current", cur);
      ArrayNode hist = doc.putArray("history");
      v.history().forEach(h -> hist.add(TrustStore.describe(h)));
      doc.set("clock", clockNode(v.clock()));
      ArrayNode alarms = doc.putArray("forkAlarms");
      v.alarms().forEach(a -> alarms.add(CheckpointCommand.toJson(a)));
      emit(doc, human(doc));
      return ExitCode.OK;
    }

    private static String human(JsonNode doc) {
      JsonNode c = doc.path("current");
      StringBuilder b = new StringBuilder();
      b.append("trust snapshot ").append(c.path("seq").asLong()).append(' ').append(c.path("id").asText())
          .append(" installed ").append(c.path("installedAt").asText()).append('\n');
      b.append("  from ").append(c.path("source").asText()).append('\n');
      JsonNode tuf = c.path("tuf");
      b.append("  TUF root v").append(tuf.path("root").path("version").asInt()).append(" expires ")
          .append(tuf.path("root").path("expires").asText()).append("; timestamp v")
          .append(tuf.path("timestamp").path("version").asInt()).append(" expires ")
          .append(tuf.path("timestamp").path("expires").asText()).append('\n');
      for (JsonNode a : doc.path("forkAlarms")) {
        b.append("  ALARM: transparency log ").append(a.path("origin").asText()).append(" has a fork at size ")
            .append(a.path("size").asText()).append(" (see 'airlock checkpoint show'; clear with ")
            .append("'airlock checkpoint clear-alarm LOG --reason TEXT')\n");
      }
      if (c.path("expiredTimestampAccepted").asBoolean()) {
        b.append("  WARNING: installed with --accept-expired-timestamp (an expired timestamp/snapshot was accepted)\n");
      }
      for (JsonNode r : c.path("trustedRoots")) {
        b.append("  trusted root ").append(r.path("name").asText()).append(' ').append(r.path("digest").asText()).append('\n');
        section(b, "tlog", r.path("tlogs"), "baseUrl");
        section(b, "ctlog", r.path("ctlogs"), "baseUrl");
        section(b, "CA", r.path("certificateAuthorities"), "subject");
        section(b, "TSA", r.path("timestampAuthorities"), "subject");
      }
      for (JsonNode k : c.path("keyAuthorities")) {
        b.append("  key ").append(k.path("name").asText()).append(' ').append(k.path("algorithm").asText())
            .append(' ').append(windowText(k.path("validFor"))).append('\n');
      }
      for (JsonNode p : c.path("policies")) {
        b.append("  policy ").append(p.path("path").asText()).append(" (").append(p.path("bytes").asInt()).append(" bytes)\n");
      }
      b.append("history:\n");
      for (JsonNode h : doc.path("history")) {
        b.append("  ").append(h.path("seq").asLong()).append(' ').append(h.path("id").asText()).append(' ')
            .append(h.path("installedAt").asText()).append(" root v").append(h.path("tuf").path("root").path("version").asInt())
            .append(h.path("expiredTimestampAccepted").asBoolean() ? " (expired timestamp accepted)" : "").append('\n');
      }
      return b.toString();
    }

    private static void section(StringBuilder b, String label, JsonNode items, String nameField) {
      for (JsonNode i : items) {
        b.append("    ").append(label).append(' ').append(i.path(nameField).asText()).append(' ')
            .append(windowText(i.path("validFor"))).append('\n');
      }
    }

    private static String windowText(JsonNode w) {
      return "[" + w.path("start").asText("-inf") + ", " + w.path("end").asText("+inf") + "]";
    }

    private static ArrayNode logs(List<TransparencyLog> logs) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      for (TransparencyLog l : logs) {
        ObjectNode n = a.addObject();
        n.put("baseUrl", l.baseUrl());
        n.put("logId", l.logId() == null ? null : Base64.getEncoder().encodeToString(l.logId()));
        n.put("algorithm", l.algorithm().name());
        n.set("validFor", window(l.validFor()));
      }
      return a;
    }

    private static ArrayNode authorities(List<CertificateAuthority> cas) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      for (CertificateAuthority ca : cas) {
        ObjectNode n = a.addObject();
        n.put("subject", ca.subject());
        n.put("uri", ca.uri());
        n.set("validFor", window(ca.validFor()));
        ArrayNode chain = n.putArray("chain");
        for (X509Certificate c : ca.chain()) {
          chain.addObject().put("subject", c.getSubjectX500Principal().getName())
              .put("notBefore", c.getNotBefore().toInstant().toString())
              .put("notAfter", c.getNotAfter().toInstant().toString());
        }
      }
      return a;
    }
  }

  static ObjectNode window(ValidityWindow w) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    if (w.start() != null) {
      n.put("start", w.start().toString());
    }
    if (w.end() != null) {
      n.put("end", w.end().toString());
    }
    return n;
  }

  static ObjectNode clockNode(TrustedClock c) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("trustedTime", c.now().toString());
    n.put("systemTime", c.systemTime().toString());
    c.highWater().ifPresent(h -> n.put("highestVerifiedTime", h.toString()));
    n.put("systemClockBehind", c.systemBehind());
    return n;
  }
}
