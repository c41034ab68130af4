package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapline.spec.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a mapper process starts cheaply: {@code tapline map} with plain arguments runs without
 * picocli, and the runner gives the mappers it starts a class-data-sharing archive of their own.
 */
class MapperStartTest {

  @TempDir Path folder;

  /** What {@link Tapline#execute} returned and printed. */
  private record Run(int exitCode, String out, String err) {}

  private Run execute(String input, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    int code = Tapline.execute(args, Map.of(), new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out,
        new PrintWriter(err, true));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
  }

  @Test
  void plainMapArgumentsRunDirectlyAndFailTheWayThePicocliCommandDoes() throws IOException {
    Path config = Files.writeString(folder.resolve("map.json"),
        "{\"streams\": {\"orders\": {\"rename\": \"sales\", \"properties\": {\"note\": \"drop\"}}}}");
    String record = "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":1,\"note\":\"x\"}}\n";

    Run spaced = execute(record, "map", "--config", config.toString());
    Run joined = execute(record, "map", "--config=" + config);

    for (Run run : List.of(spaced, joined)) {
      assertEquals(0, run.exitCode(), run::toString);
      JsonNode message = Json.parse(run.out().strip());
      assertEquals("sales", message.path("stream").asText(), run::toString);
      assertEquals(Json.parse("{\"id\": 1}"), message.path("record"), run::toString);
      assertTrue(run.err().contains("\"metric\":\"record_count\",\"value\":1,\"tags\":{\"stream\":\"sales\"}"), run::toString);
    }
    Run missing = execute("", "map", "--config", folder.resolve("absent.json").toString());
    assertEquals(2, missing.exitCode(), missing::toString);
    assertTrue(missing.err().startsWith("ERROR --config ") && missing.err().contains("does not exist"), missing::toString);
    Run bad = execute("{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":}}\n", "map", "--config", config.toString());
    assertEquals(1, bad.exitCode(), bad::toString);
    assertTrue(bad.err().startsWith("ERROR "), bad::toString);
    assertFalse(bad.err().contains("\tat "), "no stack trace below debug: " + bad);
  }

  @Test
  void otherMapArgumentsGoThroughPicocli() {
    assertNull(MapCommand.direct(new String[] {"map", "--config", "a.json", "--colour", "blue"}, Map.of(),
        new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), new PrintWriter(new StringWriter())));
    assertNull(MapCommand.direct(new String[] {"map", "--help"}, Map.of(),
        new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), new PrintWriter(new StringWriter())));
    assertNull(MapCommand.direct(new String[] {"map", "--config", "a.json", "--config", "b.json"}, Map.of(),
        new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), new PrintWriter(new StringWriter())));
    assertNull(MapCommand.direct(new String[] {"run", "--config", "a.json"}, Map.of(),
        new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), new PrintWriter(new StringWriter())));
  }

  /** A launcher-like layout: lib/ with jars, lib/cds/ with the launcher's archive of tapline. */
  private String classPath(Path lib, String... jars) throws IOException {
    StringBuilder path = new StringBuilder();
    for (String jar : jars) {
      Path file = Files.writeString(lib.resolve(jar), "not really a jar");
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
      path.append(path.length() == 0 ? "" : File.pathSeparator).append(file);
    }
    return path.toString();
  }

  @Test
  void theFirstMapperWritesItsArchiveAndLaterOnesStartFromIt() throws IOException {
    Path lib = Files.createDirectories(folder.resolve("lib"));
    Path cds = Files.createDirectories(lib.resolve("cds"));
    String classPath = classPath(lib, "cli.jar", "spec.jar");
    Path launcherArchive = Files.writeString(cds.resolve("tapline-1-2-serial.jsa"), "archive");
    Path mapperArchive = cds.resolve("tapline-1-2-serial-map.jsa");
    List<String> runner = List.of("-Xlog:all=warning:stderr", "-XX:SharedArchiveFile=" + launcherArchive, "-Xmx64m");

    MapperArchive.Use first = PipelineLauncher.mapperArchive(runner, classPath);
    List<String> command = PipelineLauncher.selfCommand(runner, first);

    assertTrue(first.options().get(0).startsWith("-XX:ArchiveClassesAtExit=" + cds), first::toString);
    assertTrue(command.contains(first.options().get(0)), command::toString);
    assertTrue(command.contains("-Xlog:cds*=off:stderr"), "the dump's warnings stay out of the log: " + command);
    assertFalse(command.contains("-XX:SharedArchiveFile=" + launcherArchive), command::toString);
    assertTrue(command.contains("-Xmx64m"), command::toString);
    Files.writeString(first.dump(), "a dump");
    first.finish(0);

    assertEquals("a dump", Files.readString(mapperArchive));
    assertFalse(Files.exists(first.dump()));
    MapperArchive.Use later = PipelineLauncher.mapperArchive(runner, classPath);
    assertNull(later.dump());
    assertEquals(List.of("-XX:SharedArchiveFile=" + mapperArchive, "-Xlog:cds*=off:stderr"), later.options());

    // a new jar makes the archive stale: the next mapper writes it again
    Files.setLastModifiedTime(lib.resolve("spec.jar"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    MapperArchive.Use again = PipelineLauncher.mapperArchive(runner, classPath);
    assertTrue(again.options().get(0).startsWith("-XX:ArchiveClassesAtExit="), again::toString);
  }

  @Test
  void aMapperThatFailsLeavesNoArchiveAndAMissingDumpIsNotRetriedUntilTheJarsChange() throws IOException {
    Path lib = Files.createDirectories(folder.resolve("lib"));
    Path cds = Files.createDirectories(lib.resolve("cds"));
    String classPath = classPath(lib, "cli.jar");
    Path launcherArchive = Files.writeString(cds.resolve("tapline-1-2-serial.jsa"), "archive");
    List<String> runner = List.of("-XX:SharedArchiveFile=" + launcherArchive);

    MapperArchive.Use failed = PipelineLauncher.mapperArchive(runner, classPath);
    Files.writeString(failed.dump(), "half a dump");
    failed.finish(1);
    assertFalse(Files.exists(failed.dump()));
    assertFalse(Files.exists(cds.resolve("tapline-1-2-serial-map.jsa")));

    MapperArchive.Use unsupported = PipelineLauncher.mapperArchive(runner, classPath);
    assertTrue(unsupported.dump() != null, unsupported::toString);
    unsupported.finish(0); // exited 0 without writing an archive: this JVM cannot make one
    MapperArchive.Use after = PipelineLauncher.mapperArchive(runner, classPath);
    assertEquals(List.of("-XX:SharedArchiveFile=" + launcherArchive), after.options(), "as the runner does");
    assertNull(after.dump());
  }

  @Test
  void withoutTheLaunchersArchiveOrWithClassFoldersNothingIsArchived() throws IOException {
    Path lib = Files.createDirectories(folder.resolve("lib"));
    Path launcherArchive = Files.writeString(Files.createDirectories(lib.resolve("cds")).resolve("t.jsa"), "archive");
    String withFolder = classPath(lib, "cli.jar") + File.pathSeparator + Files.createDirectories(folder.resolve("classes"));

    MapperArchive.Use none = PipelineLauncher.mapperArchive(List.of("-XX:+UseSerialGC"), classPath(lib, "spec.jar"));
    MapperArchive.Use folders = PipelineLauncher.mapperArchive(List.of("-XX:SharedArchiveFile=" + launcherArchive), withFolder);

    assertEquals(List.of(), none.options());
    assertNull(none.dump());
    assertEquals(List.of("-XX:SharedArchiveFile=" + launcherArchive), folders.options());
    assertNull(folders.dump());
    List<String> command = PipelineLauncher.selfCommand(List.of("-XX:+UseSerialGC"), none);
    assertTrue(command.contains("-Xmx256m") && command.contains("-XX:+UseSerialGC"), command::toString);
    assertFalse(command.stream().anyMatch(option -> option.startsWith("-XX:SharedArchiveFile")), command::toString);
  }
}
