package dev.tapline.tap.csv;

import dev.tapline.spec.ConfigurationException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Finds the files of an entity and opens them (gzip recognised by its magic bytes). */
final class CsvFiles {

  private CsvFiles() {}

  /**
   * The files a {@code path} setting names, sorted: the file itself; the {@code .csv} and {@code
   * .csv.gz} files of a directory (not its subdirectories); or the files matching a glob ({@code *},
   * {@code ?}, {@code [...]}, {@code {a,b}}, {@code **} across directories).
   *
   * @throws ConfigurationException when nothing matches
   */
  static List<Path> resolve(String pathSetting, String entity) {
    List<Path> files = new ArrayList<>();
    try {
      int glob = firstGlobCharacter(pathSetting);
      if (glob >= 0) {
        int slash = pathSetting.lastIndexOf('/', glob);
        Path base = Path.of(slash < 0 ? "." : slash == 0 ? "/" : pathSetting.substring(0, slash));
        String pattern = slash < 0 ? pathSetting : pathSetting.substring(slash + 1);
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        if (Files.isDirectory(base)) {
          try (Stream<Path> walk = Files.walk(base)) {
            walk.filter(Files::isRegularFile)
                .filter(file -> matcher.matches(base.relativize(file)))
                .forEach(files::add);
          }
        }
      } else {
        Path path = Path.of(pathSetting);
        if (Files.isDirectory(path)) {
          try (Stream<Path> list = Files.list(path)) {
            list.filter(Files::isRegularFile).filter(CsvFiles::isCsvName).forEach(files::add);
          }
        } else if (Files.isRegularFile(path)) {
          files.add(path);
        } else {
          throw new ConfigurationException("Entity '" + entity + "': the file " + path.toAbsolutePath()
              + " does not exist. Check \"path\" in the files setting.");
        }
      }
    } catch (IOException e) {
      throw new ConfigurationException("Entity '" + entity + "': cannot list " + pathSetting + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new ConfigurationException("Entity '" + entity + "': no CSV file matches \"" + pathSetting
          + "\" (a directory gives its *.csv and *.csv.gz files). Check \"path\" in the files setting.");
    }
    files.sort(null);
    return List.copyOf(files);
  }

  private static int firstGlobCharacter(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }

  private static boolean isCsvName(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".csv") || name.endsWith(".csv.gz") || name.endsWith(".tsv")
        || name.endsWith(".tsv.gz");
  }

  /**
   * Opens a file's rows: bytes parsed directly for ASCII-compatible encodings, characters
   * otherwise.
   */
  static RowReader rows(Path file, Charset charset, char delimiter, char quote) throws IOException {
    if (ByteCsvParser.supports(charset, delimiter, quote)) {
      return new ByteCsvParser(openBytes(file), file.toString(), charset, delimiter, quote);
    }
    return new CsvParser(open(file, charset), file.toString(), delimiter, quote);
  }

  /** Opens a file as characters; gzip content is unpacked. Malformed input is an error. */
  static Reader open(Path file, Charset charset) throws IOException {
    return new InputStreamReader(openBytes(file), charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  /** Opens a file's bytes; gzip content is unpacked. */
  static InputStream openBytes(Path file) throws IOException {
    PushbackInputStream in = new PushbackInputStream(Files.newInputStream(file), 2);
    byte[] magic = in.readNBytes(2);
    in.unread(magic);
    if (magic.length == 2 && (magic[0] & 0xFF) == 0x1f && (magic[1] & 0xFF) == 0x8b) {
      return new GZIPInputStream(new BufferedInputStream(in, 1 << 16), 1 << 16);
    }
    return in;
  }
}
