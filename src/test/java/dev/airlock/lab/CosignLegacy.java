package dev.airlock.lab;

/** Placeholder; filled in below. */
public final class CosignLegacy {
  private final SigstoreLab lab;

  CosignLegacy(SigstoreLab lab) {
    this.lab = lab;
  }
}
