package dev.airlock.oci.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Wire form of an index entry's platform. */
public final class PlatformJson {
  public String architecture;
  public String os;
  @JsonProperty("os.version")
  public String osVersion;
  @JsonProperty("os.features")
  public List<String> osFeatures;
  public String variant;
}
