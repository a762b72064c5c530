/**
 * The in-process private Sigstore test lab (DESIGN.md section 8). Test code only; it produces wire
 * formats and never calls airlock's verifier, so it can test it.
 *
 * <p>Entry point: {@link dev.airlock.lab.SigstoreLab}. A lab holds a Fulcio-like CA
 * ({@link dev.airlock.lab.LabCa}: P-384 root + P-384 or P-256 intermediate, leaves with embedded
 * SCTs), a CT log ({@link dev.airlock.lab.LabCtLog}), Rekor v1 and v2 logs
 * ({@link dev.airlock.lab.LabRekor}: real Merkle trees, SETs, signed checkpoints, inclusion and
 * consistency proofs) and an RFC 3161 TSA ({@link dev.airlock.lab.LabTsa}). Writers:
 * {@link dev.airlock.lab.BundleBuilder} (bundles v0.1-v0.3), {@link dev.airlock.lab.TrustedRootWriter},
 * {@link dev.airlock.lab.CosignLegacy} (legacy {@code .sig}/{@code .att} layers),
 * {@link dev.airlock.lab.Statements} (in-toto payloads), {@link dev.airlock.lab.RekorBodies}.
 * Rejection cases: {@link dev.airlock.lab.BundleMutations}, {@link dev.airlock.lab.CosignMutations},
 * {@link dev.airlock.lab.SignedNotes}.
 *
 * <pre>{@code
 * SigstoreLab lab = SigstoreLab.create(42);                       // seed: same keys every run
 * Signer alice = lab.keyless(LeafSpec.email("alice@lab.internal")); // issuer LeafSpec.DEFAULT_ISSUER
 * LabBundle b = lab.bundle(alice).messageSignature(artifact).build();            // v0.3, Rekor v1
 * LabBundle d = lab.bundle(alice).dsse(BundleBuilder.IN_TOTO, Statements.cosignSign("reg/app", hex))
 *     .tlogs(LabRekor.Version.V2).timestamp().build();                             // Rekor v2 + TSA
 * LabBundle k = lab.bundle(lab.key(LabCrypto.KeyKind.RSA_PSS_2048, "ci")).messageSignature(artifact).build();
 * lab.trustedRoot().writeTo(dir.resolve("trusted_root.json"));
 * for (BundleMutations.Mutation m : BundleMutations.of(lab, b, otherBundle)) { ...deny, m.reason()... }
 * }</pre>
 *
 * <p>Verification time: lab certificates are valid for 10 minutes from {@link
 * dev.airlock.lab.SigstoreLab#now()} (default 2026-01-01T00:00:00Z); entries are integrated 5 s and
 * timestamps taken 3 s later. CAs, logs and the TSA are valid from 30 days before the epoch.
 */
package dev.airlock.lab;
