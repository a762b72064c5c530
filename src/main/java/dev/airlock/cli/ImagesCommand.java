package dev.airlock.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Database;
import dev.airlock.oci.Descriptor;
import dev.airlock.store.ImageStore;
import dev.airlock.store.StoredImage;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "images", mixinStandardHelpOptions = true,
    description = "List stored images with their references, digest, decision, time and reasons.")
final class ImagesCommand extends BaseCommand {
  @Override
  protected ExitCode execute() {
    List<StoredImage> images = Database.open(home()).transaction(ImageStore::list);
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("mediaType", "application/vnd.airlock.images.v1+json");
    ArrayNode a = doc.putArray("images");
    StringBuilder human = new StringBuilder();
    human.append(String.format(java.util.Locale.ROOT, "%-50s %-19s %-8s %-20s %s%n",
        "REFERENCE", "DIGEST", "DECISION", "DECIDED", "REASONS"));
    for (StoredImage s : images) {
      a.add(toJson(s));
      String ref = s.references().isEmpty() ? "<none>" : String.join(",", s.references());
      human.append(String.format(java.util.Locale.ROOT, "%-50s %-19s %-8s %-20s %s%n", ref,
          s.digest().toString().substring(0, 19), s.decision().orElse("-"),
          s.decidedAt().map(Object::toString).orElse("-"), String.join(",", s.reasons())));
    }
    if (images.isEmpty()) {
      human.append("(no images stored)\n");
    }
    emit(doc, human.toString());
    return ExitCode.OK;
  }

  static ObjectNode toJson(StoredImage s) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("digest", s.digest().toString());
    n.put("mediaType", s.image().mediaType());
    n.put("size", s.image().size());
    ArrayNode refs = n.putArray("references");
    s.references().forEach(refs::add);
    ArrayNode platforms = n.putArray("platforms");
    for (Descriptor p : s.platforms()) {
      ObjectNode pn = platforms.addObject();
      pn.put("digest", p.digest().toString());
      pn.put("platform", p.platform().map(Object::toString).orElse(null));
    }
    n.put("signatures", s.signatures().size());
    n.put("source", s.source());
    n.put("importedAt", s.importedAt().toString());
    n.put("decision", s.decision().orElse(null));
    n.put("decidedAt", s.decidedAt().map(Object::toString).orElse(null));
    ArrayNode reasons = n.putArray("reasons");
    s.reasons().forEach(reasons::add);
    return n;
  }
}
