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
    description = {"List stored images: each reference with its current decision, time and reasons.",
        "A decision made under another policy, trust or checkpoint state, or past its validUntil, is",
        "shown as 'stale' (it is decided again by verify, export and serve), never as admit."})
final class ImagesCommand extends BaseCommand {
  @Override
  protected ExitCode execute() {
    List<ImageListing.Image> images = ImageListing.list(home(), auditContext());
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("mediaType", "application/vnd.airlock.images.v1+json");
    ArrayNode a = doc.putArray("images");
    StringBuilder human = new StringBuilder();
    String fmt = "%-50s %-19s %-8s %-20s %s%n";
    human.append(String.format(Locale.ROOT, fmt, "REFERENCE", "DIGEST", "DECISION", "DECIDED", "REASONS"));
    for (ImageListing.Image i : images) {
      a.add(toJson(i));
      for (ImageListing.Name n : i.names()) {
        human.append(String.format(Locale.ROOT, fmt, n.reference(), i.image().digest().toString().substring(0, 19),
            n.state(), n.decidedAt() == null ? "-" : n.decidedAt().toString(), String.join(",", n.reasons())));
      }
    }
    if (images.isEmpty()) {
      human.append("(no images stored)\n");
    }
    emit(doc, human.toString());
    return ExitCode.OK;
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
