package dev.tapline.cli;

import dev.tapline.spec.Catalog;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tapline select NAME --list}: what a tap's selection patterns select. */
@Command(
    name = "select",
    mixinStandardHelpOptions = true,
    versionProvider = Tapline.ManifestVersion.class,
    description = "Runs the tap's discovery (or reads its catalog file), applies the project's select"
        + " patterns and metadata overrides, and lists every stream and property with its selection;"
        + " with --catalog prints the catalog the tap will be given instead.")
final class SelectCommand implements Callable<Integer> {

  @ParentCommand Tapline tapline;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "A tap of the project file, or a pipeline (its tap).")
  String name;

  @Option(names = "--list", description = "List streams and properties with their selection (the default).")
  boolean list;

  @Option(names = "--catalog", description = "Print the selected catalog as JSON instead.")
  boolean catalog;

  @Option(names = "--project", paramLabel = "FILE", description = "The project file (default: ./tapline.yml).")
  Path project;

  @Override
  public Integer call() {
    if (list && catalog) {
      throw new ConfigurationException("Give --list or --catalog, not both.");
    }
    Project loaded = Project.load(Project.locate(project, Path.of("").toAbsolutePath()));
    Project.Plugin tap = loaded.taps().get(name);
    if (tap == null && loaded.pipelines().containsKey(name)) {
      tap = loaded.taps().get(loaded.pipelines().get(name).tap());
    }
    if (tap == null) {
      throw new ConfigurationException("No tap or pipeline \"" + name + "\" in " + loaded.file() + "; its taps: "
          + String.join(", ", loaded.taps().keySet()) + ".");
    }
    PrintWriter err = spec.commandLine().getErr();
    PipelineLauncher launcher = new PipelineLauncher(loaded, null, tapline.environment(), err, null);
    Path temporary = PipelineLauncher.privateFolder();
    Catalog applied;
    try {
      Interpolation interpolation = new Interpolation(tapline.environment());
      List<String> command = launcher.discoveryCommand(tap, temporary, interpolation);
      Catalog base = launcher.baseCatalog(tap, command, name, interpolation.redactor());
      Selection selection = new Selection(tap.select(), tap.metadata());
      applied = selection.isEmpty() ? base : selection.apply(base);
    } finally {
      PipelineLauncher.deleteQuietly(temporary);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (catalog) {
      out.println(Json.writePretty(applied.toJson()));
    } else {
      List<Selection.Row> rows = Selection.rows(applied);
      int width = "STREAM.PROPERTY".length();
      for (Selection.Row row : rows) {
        width = Math.max(width, row.stream().length() + row.property().length() + 1);
      }
      String format = "%-" + width + "s  %-8s  %s";
      out.println(String.format(Locale.ROOT, format, "STREAM.PROPERTY", "SELECTED", "WHY"));
      for (Selection.Row row : rows) {
        String what = row.property().isEmpty() ? row.stream() : row.stream() + "." + row.property();
        out.println(String.format(Locale.ROOT, format, what, row.selected() ? "yes" : "no", row.why()));
      }
    }
    out.flush();
    return 0;
  }
}
