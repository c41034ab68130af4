package dev.tapline.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendOnlyFileTest {

  @TempDir Path folder;

  @Test
  void abortCutsTheFileBackToTheLastCommit() throws IOException {
    Path path = folder.resolve("sub/stream.jsonl");
    try (AppendOnlyFile file = AppendOnlyFile.open(path, true)) {
      assertTrue(file.isNew());
      file.output().write("one\n".getBytes(StandardCharsets.UTF_8));
      file.commit();
      file.output().write("two\n".repeat(100_000).getBytes(StandardCharsets.UTF_8));
      assertEquals(400_000, file.stagedBytes());
      file.abort();
      file.output().write("three\n".getBytes(StandardCharsets.UTF_8));
      file.commit();
    }
    assertEquals("one\nthree\n", Files.readString(path));
  }

  @Test
  void appendsToWhatIsThere() throws IOException {
    Path path = folder.resolve("stream.jsonl");
    Files.writeString(path, "one\n");
    try (AppendOnlyFile file = AppendOnlyFile.open(path, true)) {
      assertFalse(file.isNew());
      file.output().write("two\n".getBytes(StandardCharsets.UTF_8));
      file.commit();
    }
    assertEquals("one\ntwo\n", Files.readString(path));
  }

  @Test
  void cutsAPartialLastLineOnlyWhenAsked() throws IOException {
    Path path = folder.resolve("stream.jsonl");
    Files.writeString(path, "one\ntw");
    AppendOnlyFile.open(path, false).close();
    assertEquals("one\ntw", Files.readString(path));
    AppendOnlyFile.open(path, true).close();
    assertEquals("one\n", Files.readString(path));
    Files.writeString(path, "no line end at all");
    AppendOnlyFile.open(path, true).close();
    assertEquals("", Files.readString(path));
  }
}
