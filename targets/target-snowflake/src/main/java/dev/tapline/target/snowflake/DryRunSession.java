package dev.tapline.target.snowflake;

import dev.tapline.target.jdbc.ColumnType;
import dev.tapline.target.jdbc.TableName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A session that connects to nothing: every statement is appended to {@code statements.sql} in a
 * folder, and every uploaded file lands in {@code stage/} under its stage path, for users to
 * inspect and for tests. Tables are taken as absent, so a run's SQL starts with their {@code
 * CREATE TABLE IF NOT EXISTS}.
 */
final class DryRunSession implements SnowflakeSession {

  private static final Object LOCK = new Object();

  private final Path folder;

  DryRunSession(Path folder) {
    this.folder = folder;
    try {
      Files.createDirectories(folder.resolve("stage"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the dry-run folder " + folder + ": " + e.getMessage(), e);
    }
  }

  /** The file every statement is appended to. */
  static Path statements(Path folder) {
    return folder.resolve("statements.sql");
  }

  @Override
  public void execute(String sql) {
    append(sql);
  }

  @Override
  public Map<String, ColumnType> columns(TableName table, SnowflakeDialect dialect) {
    return Map.of();
  }

  @Override
  public void upload(Path localFolder, String putStatement, String stagePath) {
    append(putStatement);
    Path target = folder.resolve("stage").resolve(stagePath).normalize();
    if (!target.startsWith(folder.resolve("stage"))) {
      throw new IllegalArgumentException("stage path leaves the dry-run folder: " + stagePath);
    }
    try {
      Files.createDirectories(target);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(localFolder)) {
        for (Path file : files) {
          Files.move(file, target.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the dry-run stage " + target + ": " + e.getMessage(), e);
    }
  }

  private void append(String sql) {
    synchronized (LOCK) {
      try {
        Files.writeString(statements(folder), sql + ";\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + statements(folder) + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {}
}
