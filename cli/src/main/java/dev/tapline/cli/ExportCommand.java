package dev.tapline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * {@code tapline export cron|kubernetes|airflow}: the scheduled pipelines of the project as crontab
 * lines, Kubernetes CronJob manifests or an Airflow DAG file, each running {@code tapline run NAME}.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    versionProvider = Tapline.ManifestVersion.class,
    description = {
      "Writes the pipelines that have a schedule as crontab lines (cron), CronJob manifests"
          + " (kubernetes) or a DAG file (airflow), each running tapline run NAME; on stdout unless"
          + " --output is given.",
      "On Kubernetes and Airflow runs land on different machines: use the postgres state backend"
          + " so they share state, locks and history."
    })
final class ExportCommand implements Callable<Integer> {

  @ParentCommand Tapline tapline;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "cron|kubernetes|airflow", description = "What to write.")
  String format;

  @Option(names = "--project", paramLabel = "FILE", description = "The project file (default: ./tapline.yml).")
  Path project;

  @Option(names = "--output", paramLabel = "FILE", description = "Write to FILE instead of stdout.")
  Path output;

  @Option(names = "--tapline", paramLabel = "COMMAND", defaultValue = "tapline",
      description = "The tapline command on the machines that run the pipelines (default: ${DEFAULT-VALUE}).")
  String taplineCommand;

  @Option(names = "--project-path", paramLabel = "PATH",
      description = "Where the project file is on those machines (default: its path here; /project/tapline.yml for kubernetes).")
  String projectPath;

  @Option(names = "--image", paramLabel = "IMAGE", defaultValue = "tapline:latest",
      description = "kubernetes: the container image with tapline and the connectors (default: ${DEFAULT-VALUE}).")
  String image;

  @Option(names = "--namespace", paramLabel = "NAMESPACE", description = "kubernetes: the namespace of the CronJobs.")
  String namespace;

  @Option(names = "--log-folder", paramLabel = "FOLDER", description = "cron: append each run's output to FOLDER/NAME.log.")
  String logFolder;

  @Override
  public Integer call() {
    Project loaded = Project.load(Project.locate(project, Path.of("").toAbsolutePath()));
    List<Project.Pipeline> scheduled =
        loaded.pipelines().values().stream().filter(pipeline -> pipeline.schedule() != null).toList();
    PrintWriter err = spec.commandLine().getErr();
    if (scheduled.isEmpty()) {
      throw new ConfigurationException("No pipeline of " + loaded.file() + " has a schedule: add"
          + " schedule: \"0 * * * *\" to the pipelines to export.");
    }
    String text = switch (format) {
      case "cron" -> cron(loaded, scheduled);
      case "kubernetes" -> kubernetes(scheduled);
      case "airflow" -> airflow(loaded, scheduled);
      default -> throw new ConfigurationException("Unknown export format \"" + format + "\": use cron, kubernetes or airflow.");
    };
    boolean shared = "postgres".equals(loaded.state().path("backend").asText("file"));
    if (!format.equals("cron") && !shared) {
      err.println("WARN  The project keeps state in a folder (state.backend: file): runs on "
          + (format.equals("kubernetes") ? "Kubernetes pods" : "Airflow workers")
          + " would not share state, locks or history. Use state.backend: postgres.");
    }
    if (output == null) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(text);
      out.flush();
    } else {
      try {
        Files.writeString(output, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + output + ": " + e.getMessage(), e);
      }
      err.println("INFO  Wrote " + scheduled.size() + " scheduled pipelines to " + output + ".");
    }
    err.flush();
    return 0;
  }

  private String projectPath(Project loaded, String fallback) {
    return projectPath != null ? projectPath : fallback != null ? fallback : loaded.file().toString();
  }

  /** A word for a POSIX shell, single-quoted unless it is plain. */
  static String shellWord(String word) {
    if (word.matches("[A-Za-z0-9_./:=@-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private String cron(Project loaded, List<Project.Pipeline> pipelines) {
    StringBuilder text = new StringBuilder();
    text.append("# tapline pipelines of ").append(loaded.file()).append(" (tapline export cron)\n");
    String file = projectPath(loaded, null);
    for (Project.Pipeline pipeline : pipelines) {
      String command = "cd " + shellWord(Path.of(file).getParent() == null ? "." : Path.of(file).getParent().toString())
          + " && " + shellWord(taplineCommand) + " run " + shellWord(pipeline.name()) + " --project " + shellWord(file);
      if (logFolder != null) {
        command += " >> " + shellWord(logFolder + "/" + pipeline.name() + ".log") + " 2>&1";
      }
      // cron turns % into a new line unless escaped
      text.append(pipeline.schedule()).append(' ').append(command.replace("%", "\\%")).append('\n');
    }
    return text.toString();
  }

  /** A name Kubernetes accepts (DNS-1123 label, room left for the job suffix). */
  static String kubernetesName(String pipeline) {
    String name = ("tapline-" + pipeline.toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-");
    if (name.length() > 52) {
      name = name.substring(0, 52);
    }
    return name.replaceAll("-+$", "");
  }

  private String kubernetes(List<Project.Pipeline> pipelines) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
    String file = projectPath != null ? projectPath : "/project/tapline.yml";
    StringBuilder text = new StringBuilder();
    for (Project.Pipeline pipeline : pipelines) {
      ObjectNode job = Json.object();
      job.put("apiVersion", "batch/v1");
      job.put("kind", "CronJob");
      ObjectNode metadata = job.putObject("metadata");
      metadata.put("name", kubernetesName(pipeline.name()));
      if (namespace != null) {
        metadata.put("namespace", namespace);
      }
      metadata.putObject("labels").put("app.kubernetes.io/name", "tapline").put("tapline.dev/pipeline", kubernetesName(pipeline.name()));
      ObjectNode spec = job.putObject("spec");
      spec.put("schedule", pipeline.schedule());
      // tapline's own lock refuses overlapping runs too; Forbid keeps Kubernetes from starting them
      spec.put("concurrencyPolicy", "Forbid");
      spec.put("successfulJobsHistoryLimit", 3);
      spec.put("failedJobsHistoryLimit", 3);
      ObjectNode jobSpec = spec.putObject("jobTemplate").putObject("spec");
      // retries are tapline's (pipelines.NAME.retries), from the last committed state
      jobSpec.put("backoffLimit", 0);
      ObjectNode podSpec = jobSpec.putObject("template").putObject("spec");
      podSpec.put("restartPolicy", "Never");
      ObjectNode container = podSpec.putArray("containers").addObject();
      container.put("name", "tapline");
      container.put("image", image);
      ArrayNode command = container.putArray("command");
      command.add(taplineCommand);
      ArrayNode args = container.putArray("args");
      args.add("run").add(pipeline.name()).add("--project").add(file);
      // the variables the project file references (${...}) come from this Secret
      container.putArray("envFrom").addObject().putObject("secretRef").put("name", "tapline-env").put("optional", true);
      container.putArray("volumeMounts").addObject().put("name", "project").put("mountPath", Path.of(file).getParent() == null ? "/project" : Path.of(file).getParent().toString()).put("readOnly", true);
      podSpec.putArray("volumes").addObject().put("name", "project").putObject("configMap").put("name", "tapline-project");
      try {
        text.append("---\n").append(yaml.writeValueAsString(job));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return text.toString();
  }

  private static String python(String text) {
    return Json.write(Json.NODES.textNode(text));
  }

  private String airflow(Project loaded, List<Project.Pipeline> pipelines) {
    String file = projectPath(loaded, null);
    StringBuilder text = new StringBuilder();
    text.append("\"\"\"Tapline pipelines of ").append(loaded.file().getFileName())
        .append(" as Airflow DAGs (written by tapline export airflow).\"\"\"\n");
    text.append("import shlex\n");
    text.append("from datetime import datetime\n\n");
    text.append("from airflow import DAG\n");
    text.append("from airflow.operators.bash import BashOperator\n\n");
    text.append("TAPLINE = ").append(python(taplineCommand)).append('\n');
    text.append("PROJECT = ").append(python(file)).append("\n\n");
    for (Project.Pipeline pipeline : pipelines) {
      String variable = "dag_" + pipeline.name().replaceAll("[^A-Za-z0-9_]", "_");
      text.append("with DAG(\n");
      text.append("    dag_id=").append(python("tapline_" + pipeline.name())).append(",\n");
      text.append("    schedule=").append(python(pipeline.schedule())).append(",\n");
      text.append("    start_date=datetime(2024, 1, 1),\n");
      text.append("    catchup=False,\n");
      text.append("    max_active_runs=1,\n");
      text.append("    tags=[\"tapline\"],\n");
      text.append(") as ").append(variable).append(":\n");
      text.append("    BashOperator(\n");
      text.append("        task_id=\"run\",\n");
      text.append("        bash_command=\" \".join(shlex.quote(word) for word in [TAPLINE, \"run\", ")
          .append(python(pipeline.name())).append(", \"--project\", PROJECT]),\n");
      text.append("    )\n\n");
    }
    return text.toString();
  }

}
