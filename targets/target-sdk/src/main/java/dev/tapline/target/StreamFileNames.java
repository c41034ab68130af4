package dev.tapline.target;

import java.nio.charset.StandardCharsets;

/**
 * Turns stream names into safe file names for file targets.
 *
 * <p>The rule: ASCII letters and digits, {@code -}, {@code _} and {@code .}, and non-ASCII letters
 * and digits are kept; every other character ({@code /}, {@code \}, spaces, {@code :}, control
 * characters, ...) becomes {@code _}. A name that would start with {@code .} (so also {@code ..})
 * gets a {@code _} in front, an empty name becomes {@code _}, and a name longer than 200 bytes of
 * UTF-8 is cut. So a name can never leave the destination folder or hide as a dot file.
 *
 * <p>Two streams may map to one name ({@code a b} and {@code a_b}); file targets refuse to load
 * both in one run rather than mix them.
 */
public final class StreamFileNames {

  private static final int MAX_BYTES = 200;

  private StreamFileNames() {}

  /** The file-name stem of a stream, without an extension. */
  public static String of(String stream) {
    StringBuilder name = new StringBuilder(stream.length());
    int bytes = 0;
    for (int i = 0; i < stream.length(); ) {
      int codePoint = stream.codePointAt(i);
      i += Character.charCount(codePoint);
      String piece = isKept(codePoint) ? new String(Character.toChars(codePoint)) : "_";
      int length = piece.getBytes(StandardCharsets.UTF_8).length;
      if (bytes + length > MAX_BYTES) {
        break;
      }
      name.append(piece);
      bytes += length;
    }
    if (name.length() == 0 || name.charAt(0) == '.') {
      name.insert(0, '_');
    }
    return name.toString();
  }

  private static boolean isKept(int codePoint) {
    if (codePoint < 128) {
      return (codePoint >= 'a' && codePoint <= 'z') || (codePoint >= 'A' && codePoint <= 'Z')
          || (codePoint >= '0' && codePoint <= '9') || codePoint == '-' || codePoint == '_' || codePoint == '.';
    }
    return Character.isLetterOrDigit(codePoint);
  }
}
