package dev.tapline.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Small executable shell scripts that stand in for taps and targets: real processes. */
final class Scripts {

  private Scripts() {}

  /** Writes {@code folder/name} as an executable {@code #!/bin/sh} script with {@code body}. */
  static Path write(Path folder, String name, String body) {
    Path script = folder.resolve(name);
    try {
      Files.writeString(script, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return script;
  }

  /** A shell here-document printing {@code lines} on stdout. */
  static String print(String... lines) {
    return "cat <<'SINGER'\n" + String.join("\n", lines) + "\nSINGER\n";
  }

  /**
   * A stand-in target: appends every input line that is not a STATE to {@code received}, echoes
   * every STATE message on stdout as it arrives, as a Singer target does after committing.
   */
  static String echoingTarget(Path received) {
    return "while IFS= read -r line; do\n"
        + "  case \"$line\" in\n"
        + "    *'\"type\": \"STATE\"'*|*'\"type\":\"STATE\"'*) echo \"$line\" ;;\n"
        + "    *) echo \"$line\" >> '" + received + "' ;;\n"
        + "  esac\n"
        + "done\n";
  }

  static final String SCHEMA =
      "{\"type\": \"SCHEMA\", \"stream\": \"orders\", \"key_properties\": [\"id\"],"
          + " \"schema\": {\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}}}}";

  static String record(int id) {
    return "{\"type\": \"RECORD\", \"stream\": \"orders\", \"record\": {\"id\": " + id + "}}";
  }

  static String state(int position) {
    return "{\"type\": \"STATE\", \"value\": {\"bookmarks\": {\"orders\": {\"id\": " + position + "}}}}";
  }
}
