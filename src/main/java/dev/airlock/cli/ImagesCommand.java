package dev.airlock.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.appliance.ImageListing;
import dev.airlock.oci.Descriptor;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

@Command(name = "images", mixinStandardHelpOptions = true,
    description = {"List stored images, one line per name, sorted by name: its digest, current decision, when it was "
        + "decided and the reasons. A decision made under another policy, trust or checkpoint state, or past its "
        + "validUntil, is shown as 'stale*' with the old decision (verify, export and serve decide again), "
        + "never as admit."},
    subcommands = {ImagesCommand.Remove.class})
final class ImagesCommand extends BaseCommand {
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = {"Remove a stored image and the blobs no other stored image uses (a denied image need not "
          + "stay forever). Holds the home's write lock, so it is safe beside an import; audited as one "
          + "image.remove event, committed before any file is deleted."})
  static final class Remove extends BaseCommand {
    @picocli.CommandLine.Parameters(paramLabel = "IMAGE", description = "repo:tag, repo@sha256:... or sha256:...")
    String image;

    @Override
    protected ExitCode execute() {
      dev.airlock.appliance.StoreService.Removed r = dev.airlock.appliance.StoreService.removeImage(home(), image,
          auditContext());
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("mediaType", "application/vnd.airlock.image-remove.v1+json");
      doc.put("digest", r.image().toString());
      ArrayNode names = doc.putArray("names");
      r.names().forEach(names::add);
      doc.put("removedBlobs", r.blobs().size());
      doc.put("removedBytes", r.bytes());
      doc.put("sharedBlobsKept", r.sharedKept());
      ArrayNode removed = doc.putArray("removed");
      r.blobs().keySet().forEach(d -> removed.add(d.toString()));
      emit(doc, "Removed " + r.image() + (r.names().isEmpty() ? "" : " (" + String.join(", ", r.names()) + ")")
          + ": " + r.blobs().size() + " blob(s), " + ImportCommand.human(r.bytes()) + "; " + r.sharedKept()
          + " blob(s) shared with other images kept.");
      return ExitCode.OK;
    }
  }

  @Override
  protected ExitCode execute() {
    List<ImageListing.Image> images = ImageListing.list(home(), auditContext());
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("mediaType", "application/vnd.airlock.images.v1+json");
    ArrayNode a = doc.putArray("images");
    record Line(String reference, String digest, ImageListing.Name name) {}
    List<Line> lines = new java.util.ArrayList<>();
    for (ImageListing.Image i : images) {
      a.add(toJson(i));
      for (ImageListing.Name n : i.names()) {
        lines.add(new Line(n.reference(), i.image().digest().toString(), n));
      }
    }
    // one line per name (a decision belongs to a name: the same image may be admitted under one
    // name and denied under another), sorted by name so that a repository's tags stand together
    lines.sort(java.util.Comparator.comparing(Line::reference).thenComparing(Line::digest));
    Table t = new Table("IMAGE", "DIGEST", "DECISION", "DECIDED", "REASONS");
    int stale = 0;
    java.util.Map<String, Integer> states = new java.util.TreeMap<>();
    for (Line l : lines) {
      ImageListing.Name n = l.name();
      String state = n.state();
      if ("stale".equals(state)) {
        stale++;
        // the marker: this decision no longer counts (verify, export and serve decide again)
        state = "stale*" + (n.lastDecision() == null ? "" : " (was " + n.lastDecision() + ")");
      }
      states.merge(n.state(), 1, Integer::sum);
      t.row(l.reference(), ImportCommand.shortDigest(l.digest()), state,
          n.decidedAt() == null ? "-" : seconds(n.decidedAt()), String.join(", ", n.reasons()));
    }
    StringBuilder human = new StringBuilder();
    if (images.isEmpty()) {
      human.append("(no images stored)\n");
    } else {
      human.append(t.render());
      human.append(images.size()).append(" image(s), ").append(lines.size()).append(" name(s): ");
      human.append(String.join(", ", states.entrySet().stream().map(e -> e.getValue() + " "
          + java.util.Map.of("admit", "admitted", "deny", "denied").getOrDefault(e.getKey(), e.getKey())).toList()));
      human.append(".\n");
      if (stale > 0) {
        human.append("* stale: decided under another policy, trust or checkpoint state, or past its validUntil;"
            + " 'airlock verify IMAGE' decides it again now.\n");
      }
    }
    emit(doc, human.toString());
    return ExitCode.OK;
  }

  /** An instant to the second, UTC, for the table (the JSON document keeps the full value). */
  static String seconds(java.time.Instant t) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
        .withZone(java.time.ZoneOffset.UTC).format(t);
  }

  static ObjectNode toJson(ImageListing.Image i) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("digest", i.image().digest().toString());
    n.put("mediaType", i.image().image().mediaType());
    n.put("size", i.image().image().size());
    ArrayNode refs = n.putArray("references");
    i.image().references().forEach(refs::add);
    ArrayNode platforms = n.putArray("platforms");
    for (Descriptor p : i.image().platforms()) {
      ObjectNode pn = platforms.addObject();
      pn.put("digest", p.digest().toString());
      pn.put("platform", p.platform().map(Object::toString).orElse(null));
    }
    n.put("signatures", i.image().signatures().size());
    n.put("source", i.image().source());
    n.put("importedAt", i.image().importedAt().toString());
    ArrayNode names = n.putArray("decisions");
    for (ImageListing.Name d : i.names()) {
      ObjectNode dn = names.addObject();
      dn.put("reference", d.reference());
      dn.put("decision", d.state());
      dn.put("current", d.current());
      if (d.lastDecision() != null) {
        dn.put("lastDecision", d.lastDecision());
      }
      dn.put("decidedAt", d.decidedAt() == null ? null : d.decidedAt().toString());
      if (d.validUntil() != null) {
        dn.put("validUntil", d.validUntil().toString());
      }
      ArrayNode reasons = dn.putArray("reasons");
      d.reasons().forEach(reasons::add);
    }
    return n;
  }
}
