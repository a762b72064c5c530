package dev.airlock.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.core.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Audit details are stored canonically, so their field order is free, but which fields exist and
 * which are null is what the ObjectNode code recorded: these pin the shapes that the demo tour and
 * the serve comparison do not reach (rejections, tag moves, fork alarms, cannot-decide).
 */
class AuditDetailTest {
  private static String canonical(AuditDetail d) {
    return Json.canonicalString(Documents.tree(d));
  }

  @Test
  void nullsAreRecordedWhereTheOldCodeRecordedThem() {
    assertEquals("{\"message\":null}", canonical(new AuditDetail.Message(null)));
    assertEquals("{\"message\":null,\"source\":\"images/x\"}", canonical(new AuditDetail.ImageReject("images/x", null)));
    assertEquals("{\"from\":\"sha256:a\",\"reference\":\"r:1\",\"to\":\"sha256:b\"}",
        canonical(new AuditDetail.TagMove("r:1", "sha256:a", "sha256:b")));
    assertEquals("{\"origin\":\"log - 1\",\"otherRoot\":\"bb\",\"size\":12000000000,\"storedRoot\":\"aa\"}",
        canonical(new AuditDetail.ForkAlarm("log - 1", 12_000_000_000L, "aa", "bb")));
  }

  @Test
  void serveRequestsNameWhatWasDecided() {
    AuditDetail.Client c = new AuditDetail.Client("10.0.0.1", null);
    assertEquals("{\"client\":\"10.0.0.1\"}", canonical(new AuditDetail.ServeRequest(c, null, null)));
    assertEquals("{\"client\":\"10.0.0.1\",\"policyDigest\":null}",
        canonical(new AuditDetail.ServeRequest(c, new AuditDetail.Decided(null, null), null)));
    assertEquals("{\"client\":\"10.0.0.1\",\"clientCertificate\":\"CN=x\",\"decision\":\"deny\",\"digest\":null,"
            + "\"message\":\"m\",\"policyDigest\":\"sha256:p\"}",
        canonical(new AuditDetail.ServeRequest(new AuditDetail.Client("10.0.0.1", "CN=x"),
            new AuditDetail.Decided("sha256:p", new AuditDetail.DecidedVerdict(null, "deny")), "m")));
    assertEquals("{\"client\":\"10.0.0.1\",\"images\":[{\"allowed\":false,\"digest\":null,\"image\":\"a:1\","
            + "\"reasons\":[\"IMAGE_NOT_STORED\"]}],\"policyDigest\":null,\"uid\":null}",
        canonical(new AuditDetail.Admission(null, c, null,
            List.of(new AuditDetail.AdmissionImage("a:1", null, false, List.of("IMAGE_NOT_STORED"))))));
  }

  @Test
  void summariesLeaveOutWhatTheMediumDidNotCarry() {
    assertEquals("{\"images\":2,\"rejected\":1,\"trustChanged\":false}",
        canonical(new AuditDetail.ImportSummary(2, 1, null, false, null)));
    assertEquals("{\"checkpoints\":{\"added\":1,\"proofs\":0,\"unchanged\":2},\"images\":0,\"rejected\":0,"
            + "\"trustChanged\":true,\"whatIf\":\"p.yaml\"}",
        canonical(new AuditDetail.ImportSummary(0, 0, new ImportReport.Checkpoints(1, 2, 0), true, "p.yaml")));
    assertEquals("{\"images\":0,\"rejected\":0}", canonical(new AuditDetail.MediumCheckSummary(0, 0, null, null)));
    assertEquals("{\"image\":\"x\",\"output\":\"/o\"}", canonical(new AuditDetail.ExportRefused("x", "/o", null)));
  }

  @Test
  void checkpointAndAuditVerifyDetails() {
    CheckpointDocument c = new CheckpointDocument("log - 1", 5, "ab", "log", "0a0b0c0d", 0, "T");
    assertEquals("{\"origin\":\"log - 1\",\"treeSize\":5,\"rootHash\":\"ab\",\"signer\":\"log\",\"keyHint\":\"0a0b0c0d\","
        + "\"witnesses\":0,\"importedAt\":\"T\"}", Documents.write(c));
    assertEquals("{\"added\":[" + Documents.write(c) + "],\"unchanged\":1,\"proofsStored\":2,\"trustSnapshot\":\"sha256:t\"}",
        Json.write(Documents.tree(new AuditDetail.CheckpointImport(List.of(c), 1, 2, "sha256:t"))));
    assertEquals("{\"file\":\"a.checkpoint\",\"message\":\"m\"}",
        Json.write(Documents.tree(new AuditDetail.CheckpointRefused("a.checkpoint", "m", null))));
    assertEquals("{\"file\":null,\"message\":\"m\",\"alarm\":3,\"origin\":\"o\",\"treeSize\":9,\"storedRoot\":\"s\","
        + "\"otherRoot\":\"t\"}", Json.write(Documents.tree(new AuditDetail.CheckpointRefused(null, "m",
            new AuditDetail.Fork(3, "o", 9, "s", "t")))));
    assertEquals("{\"origin\":\"o\",\"cleared\":2,\"reason\":null}",
        Json.write(Documents.tree(new AuditDetail.AlarmsCleared("o", 2, null))));
    assertEquals("{\"events\":7,\"head\":\"h\",\"rootHash\":\"r\"}",
        Json.write(Documents.tree(new AuditDetail.AuditVerified(7, "h", "r"))));
    assertEquals("{\"firstBadEvent\":4,\"message\":\"m\"}",
        Json.write(Documents.tree(new AuditDetail.AuditVerifyFailed(4, "m"))));
  }

  @Test
  void housekeepingAndPolicyDetailsKeepTheirShapes() {
    assertEquals("{\"acceptExpiredTimestamp\":true,\"message\":null}",
        canonical(new AuditDetail.TrustRefused(null, true)));
    assertEquals("{\"digest\":\"sha256:d\",\"name\":\"p\",\"source\":\"tuf\"}",
        canonical(new AuditDetail.PolicyInstall("p", "sha256:d", "tuf")));
    assertEquals("{\"keptBlobs\":3,\"removed\":[\"sha256:a\"],\"removedBlobs\":1,\"removedBytes\":5000000000}",
        canonical(new AuditDetail.StoreGc(1, 5_000_000_000L, 3, List.of("sha256:a"))));
    assertEquals("{\"digest\":\"sha256:i\",\"names\":[\"r:1\",\"r:2\"],\"removed\":[],\"removedBlobs\":0,"
            + "\"removedBytes\":0,\"sharedBlobsKept\":2}",
        canonical(new AuditDetail.ImageRemove("sha256:i", List.of("r:1", "r:2"), 0, 0, 2, List.of())));
    assertEquals("{\"events\":4,\"file\":\"a.jsonl\",\"fileSha256\":\"ff\",\"format\":\"jsonl\",\"rootHash\":\"ee\","
            + "\"treeSize\":4}",
        canonical(new AuditDetail.AuditExported("a.jsonl", "jsonl", 4, 4, "ee", "ff", null, null)));
  }

  /** policy set --json prints the audited detail's fields first, then the media type and install time. */
  @Test
  void policyInstallDocumentKeepsItsOrder() {
    assertEquals("{\"file\":\"/p.yaml\",\"name\":\"n\",\"digest\":\"sha256:2\",\"diff\":\"\","
            + "\"mediaType\":\"application/vnd.airlock.policy-install.v1+json\",\"installedAt\":\"2026-12-07T00:00:00Z\"}",
        Documents.write(new PolicyInstallDocument(
            new AuditDetail.PolicySet("/p.yaml", "n", "sha256:2", null, null, ""), "2026-12-07T00:00:00Z")));
    assertEquals("{\"file\":\"/p.yaml\",\"name\":\"n\",\"digest\":\"sha256:2\",\"previousName\":\"o\","
            + "\"previousDigest\":\"sha256:1\",\"diff\":\"-a\\n+b\\n\","
            + "\"mediaType\":\"application/vnd.airlock.policy-install.v1+json\",\"installedAt\":\"t\"}",
        Documents.write(new PolicyInstallDocument(
            new AuditDetail.PolicySet("/p.yaml", "n", "sha256:2", "o", "sha256:1", "-a\n+b\n"), "t")));
  }

  @Test
  void initRecordsThePreviousApplianceOnlyAfterForce() {
    assertEquals("{\"applianceId\":\"a\",\"auditKeySha256\":\"k\",\"forced\":false,\"rootExpires\":\"e\","
            + "\"rootFile\":\"/r.json\",\"rootSha256\":\"s\",\"rootThreshold\":2,\"rootVersion\":1}",
        canonical(new AuditDetail.Init("a", "/r.json", "s", 1, "e", 2, "k", false, null, null)));
    assertEquals("{\"applianceId\":\"a\",\"auditKeySha256\":\"k\",\"forced\":true,"
            + "\"policy\":{\"digest\":\"sha256:p\",\"file\":\"/p.yaml\",\"name\":\"n\"},\"previousApplianceId\":\"o\","
            + "\"previousHome\":\"/h.replaced\",\"previousLogHead\":{\"hash\":\"hh\",\"size\":7},\"rootExpires\":\"e\","
            + "\"rootFile\":\"/r.json\",\"rootSha256\":\"s\",\"rootThreshold\":2,\"rootVersion\":1}",
        canonical(new AuditDetail.Init("a", "/r.json", "s", 1, "e", 2, "k", true,
            new AuditDetail.Previous("o", 7, "hh", "/h.replaced"), new AuditDetail.InitPolicy("/p.yaml", "n", "sha256:p"))));
  }
}

