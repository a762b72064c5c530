package dev.airlock.core.json;

/**
 * A document airlock writes for others to read (issue 12; STYLE.md rule 3, "wire formats stay at
 * the edge"): a typed template whose fields, order and null/absent handling are the contract of
 * DESIGN.md, serialised in one place, {@link Documents}. Builders construct these records; nothing
 * assembles a document node by node. Like jib-core {@code json/JsonTemplate}.
 */
public sealed interface Document permits VerdictDocument, ErrorDocument, ApiErrorDocument, ImportReport,
    SnapshotDocument, ExportDocument, CheckpointDocument, AuditDetail, PolicyInstallDocument,
    StoreGcDocument, InitDocument {}
