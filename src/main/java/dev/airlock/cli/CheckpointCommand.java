package dev.airlock.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.appliance.CheckpointService;
import dev.airlock.publish.CheckpointInputs;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.tlog.LogKey;
import dev.airlock.trust.TrustSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "checkpoint", mixinStandardHelpOptions = true,
    description = "Import and show transparency-log checkpoints (signed tree heads).",
    subcommands = {CheckpointCommand.Import.class, CheckpointCommand.Show.class,
        CheckpointCommand.ClearAlarm.class, CheckpointCommand.Request.class})
final class CheckpointCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  static List<LogKey> logKeys(TrustSnapshot snapshot) {
    return dev.airlock.appliance.CheckpointService.logKeys(snapshot);
  }

  static List<LogKey> witnessKeys(TrustSnapshot snapshot) {
    return dev.airlock.appliance.CheckpointService.witnessKeys(snapshot);
  }

  static ObjectNode toJson(CheckpointStore.StoredCheckpoint c) {
    return CheckpointService.describe(c);
  }

  static ObjectNode toJson(CheckpointStore.Alarm a) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("id", a.id());
    n.put("origin", a.origin());
    n.put("treeSize", a.size());
    n.put("storedRoot", a.storedRootHex());
    n.put("otherRoot", a.otherRootHex());
    n.put("raisedAt", a.raisedAt().toString());
    return n;
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {
        "Verify and store checkpoints (*.checkpoint, C2SP signed notes) and consistency proofs",
        "(*.proof.json). A larger checkpoint needs a consistency proof from a stored one."
      })
  static final class Import extends BaseCommand {
    @Parameters(paramLabel = "FILE", arity = "1..*", description =
        "Checkpoints (*.checkpoint), DESIGN proof files (*.proof.json), or Rekor's own API responses"
        + " saved as JSON: GET /api/v1/log (log info) and GET /api/v1/log/proof (needs --from-size).")
    List<Path> files;

    @Option(names = "--origin", paramLabel = "ORIGIN",
        description = "The log origin of a Rekor proof response (default: the checkpoint it ends in).")
    String origin;

    @Option(names = "--from-size", paramLabel = "N",
        description = "Where a Rekor proof response starts (the size 'checkpoint request' reports).")
    Long fromSize;

    @Option(names = "--to-size", paramLabel = "N",
        description = "Where a Rekor proof response ends, when no given checkpoint ends in its root.")
    Long toSize;

    @Override
    protected ExitCode execute() {
      // checkpoints and proof files go to the (audited) import as they are; Rekor's own API
      // responses are first turned into them (FORMATS.md 9), so the appliance reads one format
      List<CheckpointStore.InputFile> inputs = new ArrayList<>();
      List<Path> rekor = new ArrayList<>();
      List<Path> notes = new ArrayList<>();
      for (Path f : files) {
        byte[] b = readBounded(f);
        if (isRekorResponse(b)) {
          rekor.add(f);
        } else {
          inputs.add(new CheckpointStore.InputFile(f.getFileName().toString(), b));
          if (!new String(b, java.nio.charset.StandardCharsets.UTF_8).strip().startsWith("{")) {
            notes.add(f);
          }
        }
      }
      if (!rekor.isEmpty()) {
        List<Path> all = new ArrayList<>(rekor);
        all.addAll(notes);
        try {
          for (CheckpointInputs.Output o : CheckpointInputs.convert(all,
              new CheckpointInputs.ProofOptions(origin, fromSize, toSize))) {
            if (inputs.stream().noneMatch(i -> java.util.Arrays.equals(i.bytes(), o.bytes()))) {
              inputs.add(new CheckpointStore.InputFile(o.name(), o.bytes()));
            }
          }
        } catch (IOException e) {
          throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, "cannot read: " + e.getMessage(), e);
        }
      }
      CheckpointStore.ImportResult result = CheckpointService.importFiles(home(), inputs, subject(), auditContext());
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("mediaType", "application/vnd.airlock.checkpoint-import.v1+json");
      ArrayNode added = doc.putArray("added");
      result.added().forEach(c -> added.add(toJson(c)));
      ArrayNode unchanged = doc.putArray("unchanged");
      result.unchanged().forEach(c -> unchanged.add(toJson(c)));
      doc.put("proofsStored", result.proofsStored());
      StringBuilder human = new StringBuilder();
      result.added().forEach(c -> human.append("stored ").append(c.origin()).append(" size ").append(c.size())
          .append(" root ").append(c.rootHex()).append(" (witnesses: ").append(c.witnesses()).append(")\n"));
      result.unchanged().forEach(c -> human.append("already stored ").append(c.origin()).append(" size ")
          .append(c.size()).append('\n'));
      human.append(result.added().size()).append(" checkpoint(s) stored, ").append(result.unchanged().size())
          .append(" unchanged, ").append(result.proofsStored()).append(" proof(s) stored\n");
      emit(doc, human.toString());
      return ExitCode.OK;
    }

    /** A Rekor log-info ({@code signedTreeHead}) or proof ({@code rootHash} + {@code hashes}) response. */
    private static boolean isRekorResponse(byte[] b) {
      String t = new String(b, java.nio.charset.StandardCharsets.UTF_8).strip();
      if (!t.startsWith("{")) {
        return false;
      }
      try {
        com.fasterxml.jackson.databind.JsonNode n = dev.airlock.core.Json.parse(b, "checkpoint input");
        return n.has("signedTreeHead") || n.has("rootHash") && n.has("hashes") && !n.has("origin");
      } catch (AirlockException e) {
        return false; // not JSON: the import refuses it with its own reason
      }
    }

    private String subject() {
      return String.join(" ", files.stream().map(p -> p.getFileName().toString()).toList());
    }

    /** Reads a checkpoint or proof file, at most {@link Limits#MAX_NOTE_BYTES} bytes. */
    private static byte[] readBounded(Path f) {
      if (!Files.isRegularFile(f)) {
        throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, f + ": not a regular file");
      }
      try (InputStream in = Files.newInputStream(f)) {
        byte[] b = in.readNBytes(Limits.MAX_NOTE_BYTES + 1);
        if (b.length > Limits.MAX_NOTE_BYTES) {
          throw AirlockException.denied(Reason.LIMIT_SIZE, f + ": larger than the limit of "
              + Limits.MAX_NOTE_BYTES + " bytes for a checkpoint or proof file");
        }
        return b;
      } catch (IOException e) {
        throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, f + ": cannot read: " + e.getMessage(), e);
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show the stored checkpoints per log and any open fork alarms.")
  static final class Show extends BaseCommand {
    @Override
    protected ExitCode execute() {
      dev.airlock.appliance.StateViews.CheckpointView s = dev.airlock.appliance.StateViews.checkpoints(home());
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("mediaType", "application/vnd.airlock.checkpoints.v1+json");
      ArrayNode cps = doc.putArray("checkpoints");
      s.checkpoints().forEach(c -> cps.add(toJson(c)));
      ArrayNode alarms = doc.putArray("alarms");
      s.alarms().forEach(a -> alarms.add(toJson(a)));
      StringBuilder human = new StringBuilder();
      Map<String, CheckpointStore.StoredCheckpoint> latest = new java.util.TreeMap<>();
      Map<String, Integer> counts = new java.util.TreeMap<>();
      for (CheckpointStore.StoredCheckpoint c : s.checkpoints()) {
        latest.merge(c.origin(), c, (a, b) -> a.size() >= b.size() ? a : b);
        counts.merge(c.origin(), 1, Integer::sum);
      }
      if (latest.isEmpty()) {
        human.append("no checkpoints stored\n");
      }
      latest.forEach((o, c) -> human.append(o).append(": size ").append(c.size()).append(" root ")
          .append(c.rootHex()).append(" signer ").append(c.signer()).append(" witnesses ").append(c.witnesses())
          .append(" (").append(counts.get(o)).append(" stored)\n"));
      s.alarms().forEach(a -> human.append("FORK ALARM #").append(a.id()).append(' ').append(a.origin())
          .append(" size ").append(a.size()).append(": ").append(a.storedRootHex()).append(" vs ")
          .append(a.otherRootHex()).append(" since ").append(a.raisedAt()).append('\n'));
      emit(doc, human.toString());
      return ExitCode.OK;
    }
  }

  @Command(name = "clear-alarm", mixinStandardHelpOptions = true,
      description = "Clear a log's fork alarm after investigation. Audited with the reason.")
  static final class ClearAlarm extends BaseCommand {
    @Parameters(paramLabel = "LOG", description = "The log's checkpoint origin.")
    String log;

    @Override
    protected ExitCode execute() {
      String reason = globals().reason;
      if (reason == null || reason.isBlank()) {
        throw AirlockException.usage("clear-alarm needs --reason TEXT (why the alarm may be cleared)");
      }
      int cleared = CheckpointService.clearAlarms(home(), log, reason, auditContext());
      if (cleared == 0) {
        throw AirlockException.usage("no open fork alarm for log '" + log + "' (see 'airlock checkpoint show')");
      }
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("mediaType", "application/vnd.airlock.checkpoint-alarm-cleared.v1+json");
      doc.put("origin", log);
      doc.put("cleared", cleared);
      emit(doc, "cleared " + cleared + " fork alarm(s) of " + log);
      return ExitCode.OK;
    }
  }

  @Command(name = "request", mixinStandardHelpOptions = true,
      description = {
        "Write what the appliance holds per transparency log (origin, tree size,",
        "root hash), so the publisher brings exactly the consistency proofs it",
        "needs: for Rekor v1, GET /api/v1/log/proof?firstSize=<treeSize>, then",
        "'airlock pack --checkpoints LOG.json PROOF.json --from-size <treeSize>'."
      })
  static final class Request extends BaseCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The request file.")
    Path output;

    @Override
    protected ExitCode execute() throws java.io.IOException {
      List<CheckpointStore.StoredCheckpoint> latest = CheckpointService.held(home());
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("mediaType", "application/vnd.airlock.checkpoint-request.v1+json");
      doc.put("createdAt", systemClock().instant().toString());
      ArrayNode logs = doc.putArray("logs");
      StringBuilder human = new StringBuilder();
      for (CheckpointStore.StoredCheckpoint c : latest) {
        logs.addObject().put("origin", c.origin()).put("treeSize", c.size()).put("rootHash", c.rootHex());
        human.append(c.origin()).append(": holds tree size ").append(c.size()).append(" (root ")
            .append(c.rootHex(), 0, 16).append("...); bring a newer checkpoint and a consistency proof from size ")
            .append(c.size()).append('\n');
      }
      if (latest.isEmpty()) {
        human.append("no checkpoints stored: any checkpoint is accepted as a log's first, without a proof\n");
      }
      Path abs = output.toAbsolutePath();
      Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
      Files.writeString(tmp, dev.airlock.core.Json.writePretty(doc) + "\n", java.nio.charset.StandardCharsets.UTF_8);
      Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      human.append("wrote ").append(output).append('\n');
      emit(doc, human.toString());
      return ExitCode.OK;
    }
  }
}
