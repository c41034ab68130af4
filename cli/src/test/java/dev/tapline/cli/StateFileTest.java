package dev.tapline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {

  @TempDir Path folder;

  @Test
  void writesIntoAFolderItCreatesAndLeavesNoTemporaryFile() throws IOException {
    StateFile file = new StateFile(folder.resolve("pipelines/orders/state.json"));

    file.write(Json.parse("{\"bookmarks\": {\"orders\": {\"id\": 1.50}}}"));

    assertEquals(Json.parse("{\"bookmarks\": {\"orders\": {\"id\": 1.50}}}"), file.read().orElseThrow());
    assertTrue(Files.readString(file.path()).contains("1.50"), "numbers are kept exactly");
    try (Stream<Path> files = Files.list(file.path().getParent())) {
      assertEquals(List.of(file.path()), files.toList());
    }
  }

  @Test
  void aNewFileIsPrivateAndAReplacedFileKeepsItsPermissions() throws IOException {
    StateFile file = new StateFile(folder.resolve("state.json"));

    file.write(Json.parse("{\"a\": 1}"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));

    Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-r-----"));
    file.write(Json.parse("{\"a\": 2}"));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
    assertEquals(Json.parse("{\"a\": 2}"), file.read().orElseThrow());
  }

  @Test
  void aMissingOrBlankFileHoldsNoState() throws IOException {
    StateFile file = new StateFile(folder.resolve("state.json"));
    assertFalse(file.hasContent());
    assertTrue(file.read().isEmpty());

    Files.writeString(file.path(), "\n \n");
    assertFalse(file.hasContent());
    assertTrue(file.read().isEmpty());
  }

  @Test
  void aFileThatIsNotJsonIsReportedWithWhatToDo() throws IOException {
    StateFile file = new StateFile(folder.resolve("state.json"));
    Files.writeString(file.path(), "{\"bookmarks\": {");

    ConfigurationException error = assertThrows(ConfigurationException.class, file::read);

    assertTrue(error.getMessage().startsWith("The state file " + file.path() + " is not valid JSON"), error.getMessage());
    assertTrue(error.getMessage().contains("delete the file for a full sync"), error.getMessage());
  }
}
