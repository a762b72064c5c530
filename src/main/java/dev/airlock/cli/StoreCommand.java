package dev.airlock.cli;

import dev.airlock.appliance.StoreService;
import picocli.CommandLine.Command;

/** {@code airlock store gc} (DESIGN.md 4): housekeeping of the content store, audited. */
@Command(name = "store", mixinStandardHelpOptions = true,
    description = "Housekeeping of the content store.",
    subcommands = {StoreCommand.Gc.class})
final class StoreCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "gc", mixinStandardHelpOptions = true,
      description = {"Remove the blobs no stored image references (left by an interrupted import). "
          + "Holds the home's write lock, so it is safe beside an import; audited as one store.gc event, "
          + "recorded before any file is deleted."})
  static final class Gc extends BaseCommand {
    @Override
    protected ExitCode execute() {
      StoreService.GcResult r = StoreService.gc(home(), auditContext());
      String human = r.removed().isEmpty()
          ? "Nothing to remove: every stored blob (" + r.kept() + ") belongs to a stored image."
          : "Removed " + r.removed().size() + " unreferenced blob(s), " + ImportCommand.human(r.bytes())
              + "; kept " + r.kept() + ".";
      emit(r.document(), human);
      return ExitCode.OK;
    }
  }
}
