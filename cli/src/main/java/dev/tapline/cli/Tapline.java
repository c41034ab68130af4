package dev.tapline.cli;

import dev.tapline.spec.ConfigurationException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code tapline} executable: runs the pipelines of a project file or one tap into one target
 * and keeps their state ({@code run}), shows the run history ({@code runs}) and saved states
 * ({@code state}), maps Singer streams ({@code map}), helps with discovery ({@code select}, {@code
 * infer-schema}), exports schedules ({@code export}) and checks a Singer message stream against
 * the protocol ({@code check}).
 *
 * <p>Exit codes: 0 success, 1 failure, 2 usage or bad configuration. Only {@link #main} exits the
 * JVM; everything else returns a code, so tests call {@link #commandLine} and {@code execute}.
 */
@Command(
    name = "tapline",
    mixinStandardHelpOptions = true,
    versionProvider = Tapline.ManifestVersion.class,
    description = "Runs Singer taps into Singer targets (pipelines of tapline.yml, or ad hoc), keeps"
        + " their state and history, maps and checks Singer message streams.",
    subcommands = {
      RunCommand.class,
      CheckCommand.class,
      StateCommand.class,
      RunsCommand.class,
      MapCommand.class,
      ExportCommand.class,
      SelectCommand.class,
      InferSchemaCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Exit codes: 0 success, 1 failure, 2 usage or bad configuration, 3 a pipeline is"
        + " already running (skipped)."})
public final class Tapline implements Callable<Integer> {

  static final String EXECUTABLE = "tapline";

  private final Map<String, String> environment;
  private final InputStream standardInput;
  private final OutputStream standardOutput;

  @Spec CommandSpec spec;

  /**
   * @param environment the variables used to find executables ({@code PATH}) and the log level
   *     ({@code TAPLINE_LOG_LEVEL}); children still inherit the real process environment
   * @param standardInput what {@code check --input -} reads
   */
  public Tapline(Map<String, String> environment, InputStream standardInput) {
    this(environment, standardInput, new FileOutputStream(FileDescriptor.out));
  }

  /** @param standardOutput where {@code map} writes its messages */
  public Tapline(Map<String, String> environment, InputStream standardInput, OutputStream standardOutput) {
    this.environment = Map.copyOf(environment);
    this.standardInput = standardInput;
    this.standardOutput = standardOutput;
  }

  OutputStream standardOutput() {
    return standardOutput;
  }

  Map<String, String> environment() {
    return environment;
  }

  InputStream standardInput() {
    return standardInput;
  }

  boolean debug() {
    return debug(environment);
  }

  static boolean debug(Map<String, String> environment) {
    return "debug".equalsIgnoreCase(environment.getOrDefault("TAPLINE_LOG_LEVEL", "").trim());
  }

  /**
   * Reports a command's failure on one line (with the stack trace at debug level) and returns its
   * exit code: 2 for a usage or configuration problem, 3 for a pipeline already running, else 1.
   */
  static int failure(Exception exception, PrintWriter err, boolean debug) {
    if (debug) {
      exception.printStackTrace(err);
    }
    err.println("ERROR " + exception.getMessage());
    err.flush();
    if (exception instanceof PipelineBusyException) {
      return PipelineBusyException.EXIT_CODE;
    }
    return exception instanceof ConfigurationException
        ? CommandLine.ExitCode.USAGE
        : CommandLine.ExitCode.SOFTWARE;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("ERROR Missing a command: run, check, state, runs, map, select, infer-schema or export.");
    spec.commandLine().usage(err);
    return CommandLine.ExitCode.USAGE;
  }

  /** A command line ready to {@code execute}, wired for exit codes and one-line errors. */
  public static CommandLine commandLine(Map<String, String> environment, InputStream standardInput) {
    return commandLine(environment, standardInput, new FileOutputStream(FileDescriptor.out));
  }

  /** As {@link #commandLine(Map, InputStream)}, with the stream {@code map} writes messages to. */
  public static CommandLine commandLine(
      Map<String, String> environment, InputStream standardInput, OutputStream standardOutput) {
    Tapline tapline = new Tapline(environment, standardInput, standardOutput);
    CommandLine commandLine = new CommandLine(tapline);
    commandLine.setParameterExceptionHandler(
        (exception, args) -> {
          CommandLine failed = exception.getCommandLine();
          PrintWriter err = failed.getErr();
          err.println("ERROR " + exception.getMessage()
              + ". See '" + failed.getCommandSpec().qualifiedName() + " --help'.");
          return CommandLine.ExitCode.USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (exception, failed, parseResult) -> failure(exception, failed.getErr(), tapline.debug()));
    return commandLine;
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.getenv(), new FileInputStream(FileDescriptor.in),
        new FileOutputStream(FileDescriptor.out), new PrintWriter(System.err, true)));
  }

  /**
   * What {@link #main} does, without exiting: {@code map} with plain arguments runs directly (see
   * {@link MapCommand#direct}), everything else through picocli.
   */
  static int execute(String[] args, Map<String, String> environment, InputStream in, OutputStream out, PrintWriter err) {
    // err is for the direct map; picocli keeps its own writer on stderr
    Integer code = MapCommand.direct(args, environment, in, out, err);
    if (code != null) {
      return code;
    }
    return commandLine(environment, in, out).execute(args);
  }

  /** {@code tapline <version>}, the version from the jar manifest, or {@code dev} from classes. */
  static final class ManifestVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {EXECUTABLE + " " + version()};
    }

    static String version() {
      String version = Tapline.class.getPackage().getImplementationVersion();
      return version == null || version.isBlank() ? "dev" : version;
    }
  }
}
